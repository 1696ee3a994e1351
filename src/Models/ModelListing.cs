using LlamaJump.Gguf;

namespace LlamaJump.Models;

/// <summary>One line of <c>llamajump models</c>: a readable model, or a file that could not be read and why.</summary>
public sealed record ModelListingEntry(string Path, ModelInfo? Info, string? Problem);

/// <summary>Collects the models <c>llamajump models</c> shows: every GGUF in the search directories, or the one
/// model named by <c>--model</c> (which must resolve and read, or the verb fails).</summary>
public static class ModelListing
{
    public static IReadOnlyList<ModelListingEntry> All(ModelResolver resolver) =>
        resolver.EnumerateModelFiles().Select(Read).ToList();

    /// <exception cref="ModelNotFoundException">the name resolves to nothing</exception>
    /// <exception cref="GgufFormatException">the file is not a readable GGUF model</exception>
    public static ModelListingEntry One(ModelResolver resolver, string model) =>
        new(resolver.Resolve(model), ModelInfo.Read(resolver.Resolve(model)), null);

    private static ModelListingEntry Read(string path)
    {
        try
        {
            return new ModelListingEntry(path, ModelInfo.Read(path), null);
        }
        catch (Exception e) when (e is GgufFormatException or IOException or UnauthorizedAccessException)
        {
            return new ModelListingEntry(path, null, e.Message);
        }
    }
}
