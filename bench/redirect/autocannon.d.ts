// The part of autocannon's API the redirect bench uses (the package ships no type declarations).
declare module 'autocannon' {
  import { EventEmitter } from 'node:events';

  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    headers?: Record<string, string>;
  }
  interface Result {
    requests: { total: number };
    duration: number;
    latency: { p50: number; p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
    '3xx'?: number;
  }
  function autocannon(options: Options, done: (err: Error | null, result: Result) => void): EventEmitter;
  export = autocannon;
}
