//! The generated module of the LSP benchmark (`benches/lsp.rs`), shared with the tests: one class
//! of many methods, every edit in it inside the same top-level statement.

/// A deterministic module of about `lines` lines: one class whose methods hold what the analysis
/// works on (nested functions capturing locals, a `nonlocal` counter, lambdas, comprehensions,
/// a default argument per iteration, a class in a method, a late-binding lambda list) and lines
/// `name = …` indented 8 spaces (the edit sites).
pub fn synthetic_class(lines: usize) -> String {
    let mut text = String::from(
        "\"\"\"A synthetic module: one class of many methods (closure-lens LSP benchmark).\"\"\"\n\n\n\
         class Big:\n    \"\"\"Methods with closures, lambdas, nonlocal counters and comprehensions.\"\"\"\n\n",
    );
    let (mut i, mut count) = (0, text.matches('\n').count());
    while count < lines {
        let mut method = format!(
            r#"    def method_{i}(self, items, scale={scale}):
        total = {i}
        count = 0
        offsets = [x * scale for x in items if x % {modulus}]

        def bump(step):
            nonlocal count
            count += step
            return count + total

        key = lambda item: (item, scale, total)
        pairs = {{k: bump(k) for k in offsets}}
        for item in sorted(items, key=key):
            total += item

            def report(prefix=item):
                return f"{{prefix}}:{{total}}:{{self.name_{i}}}"

            pairs[item] = report
"#,
            scale = i % 7 + 1,
            modulus = i % 5 + 2,
        );
        if i % 3 == 0 {
            method += r#"
        class Cell:
            value = scale
            doubled = [scale * 2 for _ in range(3)]

            def get(inner):
                return inner.value + count

        pairs[-1] = Cell
"#;
        }
        if i % 5 == 0 {
            method += "        callbacks = [lambda: item * scale for item in items]\n        pairs[-2] = callbacks\n";
        }
        method += &format!(
            "        counter = sum(map(lambda a: a + scale, offsets))\n        self.name_{i} = counter\n        return pairs, counter, bump\n\n"
        );
        count += method.matches('\n').count();
        text += &method;
        i += 1;
    }
    text
}
