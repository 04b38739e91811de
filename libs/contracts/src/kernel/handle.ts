export const HANDLE_PATTERN = /^[a-z0-9][a-z0-9_-]{1,63}$/;
