#!/usr/bin/env bash
# Re-create the charting library the web view ships (src/claimtrack/web/static/vendor/):
# Vega, Vega-Lite and vega-embed as published on the npm registry, unchanged, and
# vega-interpreter (an ES module) wrapped as a classic script that reads vega-util's
# helpers from the Vega bundle, so charts run under a Content-Security-Policy without
# 'unsafe-eval'. Needs npm; run from the repository root.
set -euo pipefail
VEGA=6.4.0 VEGA_LITE=6.4.3 VEGA_EMBED=7.3.0 VEGA_INTERPRETER=2.3.2
out=src/claimtrack/web/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack -q "vega@$VEGA" "vega-lite@$VEGA_LITE" "vega-embed@$VEGA_EMBED" \
    "vega-interpreter@$VEGA_INTERPRETER" >/dev/null)
for pkg in "vega-$VEGA" "vega-lite-$VEGA_LITE" "vega-embed-$VEGA_EMBED" "vega-interpreter-$VEGA_INTERPRETER"; do
    mkdir -p "$work/$pkg" && tar xzf "$work/$pkg.tgz" -C "$work/$pkg"
    cp "$work/$pkg/package/LICENSE" "$out/LICENSE.${pkg%-*}"
done
cp "$work/vega-$VEGA/package/build/vega.min.js" "$out/"
cp "$work/vega-lite-$VEGA_LITE/package/build/vega-lite.min.js" "$out/"
cp "$work/vega-embed-$VEGA_EMBED/package/build/vega-embed.min.js" "$out/"
{
    echo "// vega-interpreter $VEGA_INTERPRETER (BSD-3-Clause), wrapped by scripts/vendor-vega.sh"
    echo "(function (vega) {"
    echo "const { ascending, isString, DisallowedObjectProperties } = vega;"
    sed -e '/^import .* from .vega-util.;$/d' \
        -e 's/^export { expression as expressionInterpreter };$/vega.expressionInterpreter = expression;/' \
        -e '/^\/\/# sourceMappingURL/d' \
        "$work/vega-interpreter-$VEGA_INTERPRETER/package/build/vega-interpreter.js"
    echo "})(window.vega);"
} > "$out/vega-interpreter.js"
ls -l "$out"
