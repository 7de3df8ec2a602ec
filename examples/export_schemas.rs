//! Writes the JSON Schema of every definition, command, event, stored state
//! and record of shenpi, one `<Name>.schema.json` file per type, for a portal
//! team in Java or JS to validate documents and generate types from.
//!
//! ```sh
//! cargo run --example export_schemas --features schema            # into target/schemas/
//! cargo run --example export_schemas --features schema -- DIR     # into DIR
//! ```

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target").join("schemas"));
    std::fs::create_dir_all(&folder)?;
    let schemas = shenpi::schema::schemas();
    for (name, schema) in &schemas {
        let path = folder.join(format!("{name}.schema.json"));
        let mut text = serde_json::to_string_pretty(schema)?;
        text.push('\n');
        std::fs::write(&path, text)?;
        println!("wrote {}", path.display());
    }
    println!("{} schemas (JSON Schema draft 2020-12) in {}", schemas.len(), folder.display());
    Ok(())
}
