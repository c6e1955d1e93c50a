/// A JSON Schema (draft 2020-12) of the declaration format, so editors can validate and complete the YAML
/// (`# yaml-language-server: $schema=…`). The loader's checks are the authority; this mirrors them.
public enum DeclarationSchema {
    public static let json = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "$id": "https://wriftsync.dev/schemas/declaration-v1.json",
      "title": "WriftSync model declaration",
      "description": "The desired versions of one WriftAI model. One YAML document per model.",
      "type": "object",
      "additionalProperties": false,
      "required": ["model", "versions"],
      "properties": {
        "model": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}/[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", "description": "OWNER/NAME"},
        "prune": {"type": "boolean", "default": true, "description": "Delete live versions that are not declared."},
        "allow_empty": {"type": "boolean", "default": false, "description": "Allow pruning every version of the model."},
        "keep": {"type": "array", "items": {"type": "integer", "minimum": 1}, "description": "Version numbers never deleted."},
        "suspend": {"type": "boolean", "default": false, "description": "Skip this model entirely."},
        "on_immutable_change": {"enum": ["warn", "replace"], "default": "warn"},
        "on_out_of_order": {"enum": ["hold", "recreate", "allow"], "default": "hold", "description": "When a declared version that is not live would be created after the last declared one (and become the latest): hold it back, re-create the later versions after it, or allow it."},
        "versions": {"type": "array", "description": "Oldest first; the last is meant to be the latest.", "items": {"$ref": "#/$defs/version"}},
        "smoke_defaults": {"$ref": "#/$defs/smokeDefaults"}
      },
      "$defs": {
        "version": {
          "type": "object",
          "additionalProperties": false,
          "required": ["container_image_digest", "release_notes"],
          "oneOf": [{"required": ["schemas"]}, {"required": ["schemas_file"]}],
          "properties": {
            "container_image_digest": {"type": "string", "pattern": "^sha256:[A-Fa-f0-9]{64}$"},
            "release_notes": {"type": "string", "maxLength": 255},
            "schemas": {"$ref": "#/$defs/schemas"},
            "schemas_file": {"type": "string", "description": "A JSON or YAML file holding the schemas, relative to this file."},
            "compatibilities": {
              "type": "object",
              "additionalProperties": false,
              "properties": {
                "openai_chat_completions": {"type": "boolean"},
                "openai_embeddings": {"type": "boolean"},
                "openai_images_generations": {"type": "boolean"},
                "openai_responses": {"type": "boolean"},
                "anthropic_messages": {"type": "boolean"}
              }
            },
            "configuration": {
              "type": "object",
              "additionalProperties": false,
              "required": ["hardware_identifier"],
              "properties": {
                "hardware_identifier": {"type": "string", "minLength": 1},
                "variable_names": {"type": "array", "uniqueItems": true, "items": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}}
              }
            },
            "smoke": {"type": "array", "maxItems": 25, "description": "Predictions that must succeed on this version once it is created; [] runs none (not even smoke_defaults.cases).", "items": {"$ref": "#/$defs/smokeCase"}}
          }
        },
        "smokeCase": {
          "type": "object",
          "additionalProperties": false,
          "required": ["input"],
          "properties": {
            "input": {"type": "object", "description": "The prediction's input; validate checks it against the version's input schema."},
            "max_seconds": {"$ref": "#/$defs/smokeSeconds"},
            "expect_output": {"description": "The exact output required (any JSON value); without it the output must satisfy the version's output schema."}
          }
        },
        "smokeDefaults": {
          "type": "object",
          "additionalProperties": false,
          "properties": {
            "max_seconds": {"$ref": "#/$defs/smokeSeconds"},
            "cases": {"type": "array", "maxItems": 25, "description": "Run on every version that declares no smoke of its own.", "items": {"$ref": "#/$defs/smokeCase"}}
          }
        },
        "smokeSeconds": {"type": "number", "exclusiveMinimum": 0, "maximum": 3600, "default": 60, "description": "How long the prediction may take, from its creation to its end."},
        "schemas": {
          "type": "object",
          "additionalProperties": false,
          "required": ["prediction"],
          "properties": {
            "prediction": {
              "type": "object",
              "additionalProperties": false,
              "required": ["input", "output"],
              "properties": {
                "input": {"type": "object"},
                "output": {"type": "object"},
                "stream_output": {"type": "object"}
              }
            }
          }
        }
      }
    }
    """#
}
