using System.Text;
using System.Text.Json;
using LlamaJump.Models;

namespace LlamaJump.App;

/// <summary>What the verbs' JSON objects write the same way: the indented document, the model object, a number or
/// null when there is none.</summary>
internal static class JsonFields
{
    /// <summary>The indented UTF-8 JSON that <paramref name="write"/> writes.</summary>
    public static string Indented(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            write(w);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary><c>"model": {file, architecture, n_layer, n_embd}</c>.</summary>
    public static void WriteModel(this Utf8JsonWriter w, ModelInfo model)
    {
        w.WriteStartObject("model");
        w.WriteString("file", model.FileName);
        w.WriteString("architecture", model.Architecture);
        w.WriteNumber("n_layer", model.BlockCount);
        w.WriteNumber("n_embd", model.EmbeddingLength);
        w.WriteEndObject();
    }

    public static void NumberOrNull(this Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
            w.WriteNumber(name, v);
        else
            w.WriteNull(name);
    }

    public static void NumberOrNull(this Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
            w.WriteNumber(name, v);
        else
            w.WriteNull(name);
    }
}
