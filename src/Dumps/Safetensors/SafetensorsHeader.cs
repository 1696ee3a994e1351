using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;

namespace LlamaJump.Dumps.Safetensors;

/// <summary>One tensor as a header describes it. <see cref="Begin"/> and <see cref="End"/> are byte offsets
/// relative to the start of the data area (the byte after the header).</summary>
internal sealed record SafetensorsEntry(string Name, TensorDtype Dtype, long[] Shape, long Begin, long End);

/// <summary>The safetensors header: building it for a writer, and parsing and validating it for a reader.
/// Layout: 8-byte little-endian length N, N bytes of UTF-8 JSON (padded with spaces so N is a multiple of 8),
/// then the data area.</summary>
internal static class SafetensorsHeader
{
    /// <summary>The largest header accepted, as in the reference implementation.</summary>
    public const long MaxHeaderLength = 100_000_000;

    public const string MetadataKey = "__metadata__";

    /// <summary>The full header (length prefix + padded JSON) for tensors laid out back to back in the given
    /// order, <c>__metadata__</c> first (omitted when null or empty). Returns the entries with their offsets.</summary>
    public static byte[] Build(IReadOnlyList<SafetensorsTensorSpec> tensors, IReadOnlyDictionary<string, string>? metadata,
        out IReadOnlyList<SafetensorsEntry> entries)
    {
        var list = new List<SafetensorsEntry>(tensors.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata)
                    writer.WriteString(key, value);
                writer.WriteEndObject();
            }
            long offset = 0;
            foreach (var spec in tensors)
            {
                if (string.IsNullOrEmpty(spec.Name) || spec.Name == MetadataKey)
                    throw new ArgumentException($"'{spec.Name}' is not a valid tensor name", nameof(tensors));
                if (!names.Add(spec.Name))
                    throw new ArgumentException($"tensor '{spec.Name}' is given twice", nameof(tensors));
                if (spec.Rows < 0 || spec.Cols < 0)
                    throw new ArgumentException($"tensor '{spec.Name}' has a negative dimension", nameof(tensors));
                long end = checked(offset + spec.ByteLength);
                writer.WriteStartObject(spec.Name);
                writer.WriteString("dtype", spec.Dtype.SafetensorsName());
                writer.WriteStartArray("shape");
                writer.WriteNumberValue(spec.Rows);
                writer.WriteNumberValue(spec.Cols);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(end);
                writer.WriteEndArray();
                writer.WriteEndObject();
                list.Add(new SafetensorsEntry(spec.Name, spec.Dtype, [spec.Rows, spec.Cols], offset, end));
                offset = end;
            }
            writer.WriteEndObject();
        }
        ReadOnlySpan<byte> text = json.WrittenSpan;
        int padded = (text.Length + 7) / 8 * 8;
        var header = new byte[8 + padded];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)padded);
        text.CopyTo(header.AsSpan(8));
        header.AsSpan(8 + text.Length).Fill((byte)' ');
        entries = list;
        return header;
    }

    /// <summary>Checks the 8-byte length prefix against the file size; returns the JSON length N.</summary>
    public static long ReadLength(ReadOnlySpan<byte> prefix, long fileLength, string fileName)
    {
        if (fileLength < 8)
            throw new SafetensorsFormatException(fileName, $"file is {fileLength} bytes, shorter than the 8-byte header length");
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > MaxHeaderLength)
            throw new SafetensorsFormatException(fileName, $"header length {length} exceeds the {MaxHeaderLength}-byte limit");
        if ((long)length > fileLength - 8)
            throw new SafetensorsFormatException(fileName,
                $"header length {length} runs past the end of the file ({fileLength} bytes)");
        if (length < 2)
            throw new SafetensorsFormatException(fileName, $"header length {length} is too short for a JSON object");
        return (long)length;
    }

    /// <summary>Parses and validates the header JSON. Every tensor must have dtype F16 or F32, a shape of
    /// non-negative integers whose element count × element size equals its byte range, offsets inside the data
    /// area of <paramref name="dataLength"/> bytes, and no two tensors may overlap.</summary>
    public static IReadOnlyList<SafetensorsEntry> Parse(ReadOnlySpan<byte> json, long dataLength, string fileName,
        out IReadOnlyDictionary<string, string> metadata)
    {
        // JsonDocument does not validate string contents until they are read (GetString then throws
        // InvalidOperationException): check the whole header up front. Found by tools/Fuzz.
        if (!System.Text.Unicode.Utf8.IsValid(json))
            throw new SafetensorsFormatException(fileName, "header is not valid UTF-8");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(fileName, $"header is not valid JSON ({FirstLine(e.Message)})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException(fileName, "header is not a JSON object");
            var entries = new List<SafetensorsEntry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var meta = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!names.Add(property.Name))
                    throw new SafetensorsFormatException(fileName, $"'{Shorten(property.Name)}' appears twice in the header");
                if (property.Name == MetadataKey)
                    ReadMetadata(property.Value, meta, fileName);
                else
                    entries.Add(ReadEntry(property.Name, property.Value, dataLength, fileName));
            }
            CheckOverlaps(entries, fileName);
            metadata = meta;
            return entries;
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> meta, string fileName)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(fileName, "__metadata__ is not an object");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsFormatException(fileName, $"__metadata__ value '{Shorten(item.Name)}' is not a string");
            meta[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafetensorsEntry ReadEntry(string name, JsonElement value, long dataLength, string fileName)
    {
        string shown = $"tensor '{Shorten(name)}'";
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(fileName, $"{shown} is not an object");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw new SafetensorsFormatException(fileName, $"{shown} has no dtype string");
        TensorDtype dtype = dtypeElement.GetString() switch
        {
            "F16" => TensorDtype.F16,
            "F32" => TensorDtype.F32,
            var other => throw new SafetensorsFormatException(fileName,
                $"{shown} has dtype {Shorten(other ?? "")}, not one this reader supports (F16, F32)"),
        };
        long[] shape = ReadIntegers(value, "shape", shown, fileName, count: null);
        long[] offsets = ReadIntegers(value, "data_offsets", shown, fileName, count: 2);
        long begin = offsets[0], end = offsets[1];
        if (begin > end || end > dataLength)
            throw new SafetensorsFormatException(fileName,
                $"{shown} has data_offsets [{begin}, {end}] outside the data area ({dataLength} bytes)");
        long bytes;
        try
        {
            long elements = 1;
            foreach (long dim in shape)
                elements = checked(elements * dim);
            bytes = checked(elements * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw new SafetensorsFormatException(fileName, $"{shown} has a shape too large to address");
        }
        if (bytes != end - begin)
            throw new SafetensorsFormatException(fileName,
                $"{shown} of shape [{string.Join(", ", shape)}] {dtype.SafetensorsName()} needs {bytes} bytes, its data_offsets give {end - begin}");
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    private static long[] ReadIntegers(JsonElement value, string key, string shown, string fileName, int? count)
    {
        if (!value.TryGetProperty(key, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new SafetensorsFormatException(fileName, $"{shown} has no {key} array");
        int length = array.GetArrayLength();
        if (count is int expected ? length != expected : length > 8)
            throw new SafetensorsFormatException(fileName, $"{shown} has {length} {key} values");
        var result = new long[length];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long number) || number < 0)
                throw new SafetensorsFormatException(fileName, $"{shown} has a {key} value that is not a non-negative integer");
            result[i++] = number;
        }
        return result;
    }

    private static void CheckOverlaps(List<SafetensorsEntry> entries, string fileName)
    {
        var sorted = entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin).ToList();
        for (int i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Begin < sorted[i - 1].End)
                throw new SafetensorsFormatException(fileName,
                    $"tensors '{Shorten(sorted[i - 1].Name)}' and '{Shorten(sorted[i].Name)}' overlap");
        }
    }

    private static string Shorten(string text)
    {
        string oneLine = text.ReplaceLineEndings(" ");
        return oneLine.Length <= 60 ? oneLine : oneLine[..57] + "...";
    }

    private static string FirstLine(string text) => text.ReplaceLineEndings(" ");
}
