/** The KurrentDB version the adapter was checked against: the Docker suite and docker-compose.yml use it. */
export const KURRENTDB_IMAGE = 'kurrentplatform/kurrentdb:26.0.2';
