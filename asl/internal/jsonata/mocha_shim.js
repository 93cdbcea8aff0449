// A minimal mocha/chai stand-in for running jsonata's JavaScript test
// file (published with the jsonata npm package 1.0.x) against this
// package's engine. Test bodies are rewritten to await evaluate (jsonata
// 2.x is asynchronous); see suite_test.go.
var __tests = [];
var __names = [];
function describe(name, fn) { __names.push(name); fn.call({ timeout: function () {} }); __names.pop(); }
function it(name, fn) { __tests.push({ name: __names.concat([name]).join(' / '), fn: fn }); }
function __canon(v) {
  if (Array.isArray(v)) { return v.map(__canon); }
  if (v !== null && typeof v === 'object') {
    var out = {};
    Object.keys(v).sort().forEach(function (k) { out[k] = __canon(v[k]); });
    return out;
  }
  return v;
}
function __same(a, b) { return JSON.stringify(__canon(a)) === JSON.stringify(__canon(b)); }
var assert = {
  equal: function (a, b) { if (a != b) { throw new Error('expected ' + b + ', got ' + a); } },
  deepEqual: function (a, b) { if (!__same(a, b)) { throw new Error('not deep equal'); } },
  ok: function (a) { if (!a) { throw new Error('not ok'); } }
};
function Assertion(subject, threw) { this.subject = subject; this.threw = threw; this.isDeep = false; this.negate = false; }
['to', 'be', 'have', 'been', 'that', 'which', 'and', 'is', 'a', 'an'].forEach(function (k) {
  Object.defineProperty(Assertion.prototype, k, { get: function () { return this; } });
});
Object.defineProperty(Assertion.prototype, 'deep', { get: function () { this.isDeep = true; return this; } });
Object.defineProperty(Assertion.prototype, 'not', { get: function () { this.negate = !this.negate; return this; } });
Assertion.prototype.check = function (ok, msg) { if (ok === this.negate) { throw new Error(msg); } return this; };
Assertion.prototype.equal = function (x) {
  var ok = this.isDeep ? __same(this.subject, x) : this.subject === x;
  return this.check(ok, 'expected ' + JSON.stringify(x) + ', got ' + JSON.stringify(this.subject));
};
Assertion.prototype.eql = function (x) { return this.check(__same(this.subject, x), 'not deep equal'); };
Assertion.prototype.throw = function () {
  if (!this.threw) { throw new Error('expected an error'); }
  return new Assertion(this.subject, false);
};
Assertion.prototype.contain = function (obj) {
  var s = this.subject;
  Object.keys(obj).forEach(function (k) {
    if (s === null || s === undefined || !__same(s[k], obj[k])) { throw new Error('error lacks ' + k + '=' + JSON.stringify(obj[k]) + ': ' + JSON.stringify(s)); }
  });
  return this;
};
Assertion.prototype.include = Assertion.prototype.contain;
Assertion.prototype.property = function (name) {
  if (this.subject === null || this.subject === undefined || !(name in Object(this.subject))) { throw new Error('no property ' + name); }
  return new Assertion(this.subject[name], false);
};
Assertion.prototype.match = function (re) { return this.check(re.test(this.subject), 'no match for ' + re + ': ' + this.subject); };
function expect(v) { return new Assertion(v, false); }
// __skipInternals replaces the tests' timeboxExpression, which hooks
// jsonata 1.x internals that 2.x no longer has; such tests are skipped.
var __skipped = 'skipped: relies on jsonata 1.x internals';
function __skipInternals() { throw new Error(__skipped); }
async function __expectFn(fn) {
  try { await fn(); return new Assertion(undefined, false); } catch (e) {
    if (e && e.message === __skipped) { throw e; }
    return new Assertion(e, true);
  }
}
var chai = { expect: expect };
function require(name) {
  if (name === 'assert') { return assert; }
  if (name === 'chai') { return chai; }
  return __lib;
}
var __results = [];
// __runOne runs test i and records its result; a test that never settles
// records nothing.
function __runOne(i) {
  var t = __tests[i];
  Promise.resolve().then(function () { return t.fn(); }).then(function () {
    __results.push({ name: t.name, ok: true });
  }, function (e) {
    __results.push({ name: t.name, ok: false, err: String((e && e.message) || e) });
  });
}
async function __runAll() {
  for (var i = 0; i < __tests.length; i++) {
    var t = __tests[i];
    try { await t.fn(); __results.push({ name: t.name, ok: true }); } catch (e) {
      __results.push({ name: t.name, ok: false, err: String((e && e.message) || e) });
    }
  }
  return __results;
}
