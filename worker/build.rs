//! Converts openapi.yaml (the API's machine-readable contract, at the repository's root) to
//! JSON at compile time: the Worker serves it at GET /api/v1/openapi.json, and the route
//! test compares it with the router's table. A spec that is not valid YAML fails the build.

fn main() {
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi.yaml");
    println!("cargo:rerun-if-changed={}", source.display());
    let yaml = std::fs::read_to_string(&source).expect("openapi.yaml at the repository's root"); // ok: build script (compile time)
    let spec: serde_json::Value = serde_yaml_ng::from_str(&yaml).expect("openapi.yaml is valid YAML"); // ok: build script (compile time)
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("openapi.json"); // ok: build script (compile time)
    let json = serde_json::to_string(&spec).expect("JSON"); // ok: build script (compile time)
    std::fs::write(out, json).expect("OUT_DIR is writable"); // ok: build script (compile time)
}
