const DAY_MS = 86_400_000;

/** The ISO 8601 week of a calendar day, as `YYYY-Www` (weeks start on Monday; week 1 holds 4 January). */
export function isoWeek(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  const weekday = (date.getUTCDay() + 6) % 7;
  // The Thursday of this week decides the year the week belongs to.
  date.setUTCDate(date.getUTCDate() - weekday + 3);
  const year = date.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  firstThursday.setUTCDate(firstThursday.getUTCDate() - ((firstThursday.getUTCDay() + 6) % 7) + 3);
  const week = 1 + Math.round((date.getTime() - firstThursday.getTime()) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The Monday and the Sunday of an ISO week `YYYY-Www`. */
export function isoWeekDays(week: string): { firstDay: string; lastDay: string } {
  const [year, number] = week.split('-W').map(Number) as [number, number];
  const jan4 = Date.UTC(year, 0, 4);
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS + (number - 1) * 7 * DAY_MS;
  const text = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  return { firstDay: text(monday), lastDay: text(monday + 6 * DAY_MS) };
}
