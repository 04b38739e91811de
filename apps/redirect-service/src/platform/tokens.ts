export const SERVICE = 'redirect-service';

/** The validated RedirectEnv. */
export const REDIRECT_ENV = Symbol('REDIRECT_ENV');
/** The kafkajs client (topics ensured). */
export const KAFKA = Symbol('KAFKA');
