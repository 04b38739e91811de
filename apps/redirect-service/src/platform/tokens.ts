export const SERVICE = 'redirect-service';

/** The validated RedirectEnv. */
export const REDIRECT_ENV = Symbol('REDIRECT_ENV');
/** The kafkajs client (topics ensured). */
export const KAFKA = Symbol('KAFKA');
/** Where clicks are produced: the platform's clicks topic unless a test or benchmark provides another. */
export const CLICKS_TOPIC = Symbol('CLICKS_TOPIC');
