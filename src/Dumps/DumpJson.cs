using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlamaJump.Dumps;

/// <summary>The JSON of a dump's progress file: the manifest the finished dump will have, and the plan.</summary>
internal sealed record ProgressState(DumpManifest Manifest, PlannedSample[] Train, PlannedSample[] Test)
{
    public DumpPlan Plan => new(Train, Test);
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(DumpManifest))]
[JsonSerializable(typeof(DumpIdentity))]
[JsonSerializable(typeof(DumpSplitsInfo))]
[JsonSerializable(typeof(DumpSample))]
[JsonSerializable(typeof(ProgressState))]
internal sealed partial class DumpJsonContext : JsonSerializerContext;

/// <summary>Reading and writing the dump's JSON files. Records are compact single lines; manifest and progress
/// files are indented. Writes go to <c>{path}.tmp</c>, are flushed to disk, and are renamed into place.</summary>
internal static class DumpJson
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true };

    public static byte[] SampleLine(DumpSample sample)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(sample, DumpJsonContext.Default.DumpSample);
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        return line;
    }

    /// <summary>Parses one record; throws <see cref="JsonException"/> for malformed JSON or missing fields.</summary>
    public static DumpSample ParseSample(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, DumpJsonContext.Default.DumpSample)
        ?? throw new JsonException("a sample record is null");

    public static void WriteManifest(string path, DumpManifest manifest) =>
        WriteAtomically(path, writer => JsonSerializer.Serialize(writer, manifest, DumpJsonContext.Default.DumpManifest));

    public static void WriteProgress(string path, ProgressState state) =>
        WriteAtomically(path, writer => JsonSerializer.Serialize(writer, state, DumpJsonContext.Default.ProgressState));

    /// <summary>The manifest at <paramref name="path"/>; throws <see cref="JsonException"/> when malformed.</summary>
    public static DumpManifest ReadManifest(string path) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(path), DumpJsonContext.Default.DumpManifest)
        ?? throw new JsonException("manifest is null");

    public static ProgressState ReadProgress(string path) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(path), DumpJsonContext.Default.ProgressState)
        ?? throw new JsonException("progress state is null");

    /// <summary>Writes lines to <c>{path}.tmp</c>, flushes to disk and renames over <paramref name="path"/>.</summary>
    public static void WriteLinesAtomically(string path, IEnumerable<byte[]> lines)
    {
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            foreach (byte[] line in lines)
                stream.Write(line);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static void WriteAtomically(string path, Action<Utf8JsonWriter> write)
    {
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            using (var writer = new Utf8JsonWriter(stream, Indented))
                write(writer);
            stream.WriteByte((byte)'\n');
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
