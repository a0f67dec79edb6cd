'use strict';
// Shared helpers for the amqplib scripts AmqplibTest runs: process.argv[2] is the broker's AMQP URI.
// Every script prints one line per check ("ok ..." / "FAIL ...") and exits non-zero on the first failure.
const crypto = require('crypto');
const util = require('util');

const DEADLINE_MS = 20000;
const INSPECT = { breakLength: Infinity, depth: 4 };

function uri() {
  if (process.argv.length < 3) {
    console.error(`usage: node ${process.argv[1]} AMQP_URI`);
    process.exit(2);
  }
  return process.argv[2];
}

/** The URI's parts, decoded, for scripts that pass credentials separately. */
function uriParts() {
  const u = new URL(uri());
  return {
    hostname: u.hostname,
    port: u.port ? Number(u.port) : 5672,
    username: decodeURIComponent(u.username || 'guest'),
    password: decodeURIComponent(u.password || 'guest'),
    vhost: u.pathname.length > 1 ? decodeURIComponent(u.pathname.substring(1)) : '/',
  };
}

function unique(prefix) {
  return `${prefix}-${crypto.randomBytes(6).toString('hex')}`;
}

class CheckFailed extends Error {}

function check(condition, what) {
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${what}`);
  if (!condition) throw new CheckFailed(what);
}

function checkEq(actual, expected, what) {
  const same = util.isDeepStrictEqual(actual, expected);
  check(same, `${what}: expected ${util.inspect(expected, INSPECT)}, got ${util.inspect(actual, INSPECT)}`);
}

/** Resolves when predicate() holds, polling on the event loop; rejects after timeoutMs. */
function until(predicate, what, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const poll = () => {
      if (predicate()) return resolve();
      if (Date.now() > deadline) {
        console.log(`FAIL ${what} within ${timeoutMs} ms`);
        return reject(new CheckFailed(what));
      }
      setTimeout(poll, 10);
    };
    poll();
  });
}

/** Runs the script body with a hard deadline; exit code 0 only if it resolves. */
function main(body) {
  const timer = setTimeout(() => {
    console.log(`FAIL script did not finish within ${DEADLINE_MS} ms`);
    process.exit(1);
  }, DEADLINE_MS);
  body().then(() => {
    clearTimeout(timer);
    console.log('done');
    process.exit(0);
  }, (err) => {
    clearTimeout(timer);
    if (!(err instanceof CheckFailed)) console.log(`FAIL ${err && err.stack ? err.stack : err}`);
    process.exit(1);
  });
}

module.exports = { uri, uriParts, unique, check, checkEq, until, main };
