// Stepwise's glue around jsonata: AWS's extra functions and the evaluate
// entry point. Go supplies __go.hash, __go.random and __go.uuid.
var __stepwise = (function () {
  function fail(code, message) {
    var e = new Error(message);
    e.code = code;
    throw e;
  }
  function isArray(v) { return Array.isArray(v); }
  var extras = {
    partition: function (arr, size) {
      if (!isArray(arr)) { fail('States.QueryEvaluationError', 'The $partition function expects an array as its first argument'); }
      if (typeof size !== 'number' || size <= 0 || Math.floor(size) !== size) { fail('States.QueryEvaluationError', 'The $partition function expects a positive integer chunk size'); }
      var out = [];
      for (var i = 0; i < arr.length; i += size) { out.push(arr.slice(i, i + size)); }
      return out;
    },
    range: function (start, end, step) {
      if (typeof start !== 'number' || typeof end !== 'number' || typeof step !== 'number' || step === 0) {
        fail('States.QueryEvaluationError', 'The $range function expects three numbers and a non-zero step');
      }
      var out = [];
      if (step > 0) { for (var v = start; v <= end; v += step) { out.push(v); } }
      else { for (var w = start; w >= end; w += step) { out.push(w); } }
      if (out.length > 1000) { fail('States.QueryEvaluationError', 'The $range function returns at most 1000 values'); }
      // AWS's $range returns a JSONata sequence, not an array: a range of
      // one value is that value (AWS records $range(1, 9, 9) as 1), while
      // $partition's result stays an array. An empty range stays [].
      if (out.length > 0) { out.sequence = true; }
      return out;
    },
    hash: function (data, algorithm) {
      if (typeof data !== 'string') { data = JSON.stringify(data); }
      return __go.hash(data, algorithm === undefined ? 'SHA-256' : String(algorithm));
    },
    random: function (seed) { return __go.random(seed === undefined ? null : seed); },
    uuid: function () { return __go.uuid(); },
    parse: function (text) {
      if (typeof text !== 'string') { fail('States.QueryEvaluationError', 'The $parse function expects a string'); }
      try { return JSON.parse(text); } catch (e) { fail('States.QueryEvaluationError', 'The $parse function could not parse its argument as JSON'); }
    }
  };
  var compiled = {};
  var count = 0;
  return {
    compile: function (src) {
      var e = compiled[src];
      if (e === undefined) {
        e = jsonata(src);
        e.registerFunction('partition', extras.partition, '<an:a<a>>');
        e.registerFunction('range', extras.range, '<nnn:a<n>>');
        e.registerFunction('hash', extras.hash, '<js?:s>');
        e.registerFunction('random', extras.random, '<n?:n>');
        e.registerFunction('uuid', extras.uuid, '<:s>');
        e.registerFunction('parse', extras.parse, '<s:x>');
        if (count >= 2000) { compiled = {}; count = 0; }
        compiled[src] = e;
        count++;
      }
      return e;
    },
    // evaluate runs src on input (JSON text or undefined) with bindings
    // (JSON text of an object). The returned object is complete once the
    // outermost call returns and goja has run the promise jobs.
    evaluate: function (src, input, bindings) {
      var r = { done: false };
      var e;
      try { e = this.compile(src); } catch (err) { r.done = true; r.error = err; return r; }
      var data = input === undefined ? undefined : JSON.parse(input);
      var b = bindings === undefined ? undefined : JSON.parse(bindings);
      var v;
      try { v = e.evaluate(data, b); } catch (err) { r.done = true; r.error = err; return r; }
      if (v !== null && typeof v === 'object' && typeof v.then === 'function') {
        v.then(function (x) { r.done = true; r.value = x; },
          function (err) { r.done = true; r.error = err; });
        return r;
      }
      r.done = true;
      r.value = v;
      return r;
    },
    // encode renders a result for Go: [kind, JSON text].
    encode: function (v) {
      if (v === undefined) { return ['undefined', '']; }
      if (typeof v === 'function' || (v !== null && typeof v === 'object' && (v._jsonata_lambda || v._jsonata_function))) { return ['function', '']; }
      return ['value', JSON.stringify(v, function (k, x) {
        if (typeof x === 'function' || (x !== null && typeof x === 'object' && (x._jsonata_lambda || x._jsonata_function))) { return undefined; }
        return x;
      })];
    }
  };
})();
