using System.Text.Json;

namespace LlamaJump.App;

/// <summary>Fields the verbs' JSON objects write the same way: a number, or null when there is none.</summary>
internal static class JsonFields
{
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
