using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaJump.Dumps;

/// <summary>
/// manifest.json as one flat object: <c>format</c>, <c>version</c>, the <see cref="DumpIdentity"/> fields in their own
/// order, <c>splits</c>. The identity is written and read by its own (source-generated) contract, so its fields are
/// declared once, in <see cref="DumpIdentity"/>. A missing or mistyped field is a <see cref="JsonException"/>.
/// </summary>
internal sealed class DumpManifestConverter : JsonConverter<DumpManifest>
{
    public override DumpManifest Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new JsonException("the manifest is not a JSON object");
        string format = Required(root, "format", JsonValueKind.String).GetString()!;
        var version = Required(root, "version", JsonValueKind.Number);
        if (!version.TryGetInt32(out int v))
            throw new JsonException("manifest field 'version' is not an integer");
        var identity = root.Deserialize(DumpJsonContext.Default.DumpIdentity) ?? throw new JsonException("the manifest has no identity");
        var splits = Required(root, "splits", JsonValueKind.Object).Deserialize(DumpJsonContext.Default.DumpSplitsInfo)
            ?? throw new JsonException("manifest field 'splits' is null");
        return new DumpManifest(format, v, identity, splits);
    }

    public override void Write(Utf8JsonWriter writer, DumpManifest value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("format", value.Format);
        writer.WriteNumber("version", value.Version);
        foreach (var field in JsonSerializer.SerializeToElement(value.Identity, DumpJsonContext.Default.DumpIdentity).EnumerateObject())
            field.WriteTo(writer);
        writer.WritePropertyName("splits");
        JsonSerializer.Serialize(writer, value.Splits, DumpJsonContext.Default.DumpSplitsInfo);
        writer.WriteEndObject();
    }

    private static JsonElement Required(JsonElement root, string name, JsonValueKind kind) =>
        root.TryGetProperty(name, out var element) && element.ValueKind == kind
            ? element
            : throw new JsonException($"manifest field '{name}' is missing or not a {kind.ToString().ToLowerInvariant()}");
}
