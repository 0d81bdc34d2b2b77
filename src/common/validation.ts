import { ValidationPipe, type ValidationError as ClassValidationError } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { registerDecorator, validateSync, type ValidationOptions } from 'class-validator';
import { DomainValidationError, type FieldError } from './errors.js';
import { PARTIAL_DATE_HINT, parsePartialDate } from './partial-date.js';

/** Shared by the global pipe and by code that validates items of a batch one by one. */
const VALIDATOR_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  stopAtFirstError: false,
} as const;

function flatten(errors: readonly ClassValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const isIndex = /^\d+$/.test(error.property);
    const field = isIndex
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push({ field: field || '(body)', message: message.replace(/^property \S+ /, '') });
    }
    if (error.children) out.push(...flatten(error.children, field));
  }
  return out;
}

export function toDomainValidationError(errors: readonly ClassValidationError[]): DomainValidationError {
  return new DomainValidationError(flatten(errors));
}

/** The global pipe: whitelist, forbid unknown properties, transform into DTO classes. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => toDomainValidationError(errors),
  });
}

/** Validates one plain value against a DTO class, as the global pipe would; throws on failure. */
export function validatePlain<T extends object>(cls: ClassConstructor<T>, plain: unknown): T {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    throw new DomainValidationError([{ field: '(body)', message: 'must be a JSON object' }]);
  }
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, VALIDATOR_OPTIONS);
  if (errors.length > 0) throw toDomainValidationError(errors);
  return instance;
}

/** A `YYYY`, `YYYY-MM` or `YYYY-MM-DD` that names a real calendar date. */
export function IsPartialDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isPartialDate',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `must be ${PARTIAL_DATE_HINT}`, ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && parsePartialDate(value) !== undefined,
      },
    });
  };
}
