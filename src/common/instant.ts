import { Transform } from 'class-transformer';
import { registerDecorator, type ValidationOptions } from 'class-validator';

const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Normalises an ISO 8601 instant to UTC `toISOString` form; a missing zone means UTC. */
export function normaliseInstant(text: string): string | undefined {
  if (!INSTANT.test(text)) return undefined;
  const zoned =
    text.length === 10 ? `${text}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`;
  const time = Date.parse(zoned);
  if (Number.isNaN(time)) return undefined;
  const iso = new Date(time).toISOString();
  // Date.parse rolls 2023-02-30 over to March, with or without an offset: the calendar date as
  // written must exist on its own.
  const day = zoned.slice(0, 10);
  return new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day ? iso : undefined;
}

/** A query parameter that must be an ISO 8601 instant; the DTO receives it in UTC. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? (normaliseInstant(value) ?? { invalid: value }) : value,
    )(target, propertyName);
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: 'must be an ISO 8601 instant such as 2023-11-06T12:00:00Z', ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' },
    });
  };
}
