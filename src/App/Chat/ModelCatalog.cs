using System.Globalization;
using LlamaJump.App;
using LlamaJump.Models;

namespace LlamaJump.App.Chat;

/// <summary>A model the switcher offers: its file, what it says about itself (null when unreadable, with
/// <see cref="Problem"/>) and its jump file, if one was found.</summary>
public sealed record ModelChoice(string Path, ModelInfo? Info, string? Problem, string? JumpsPath)
{
    /// <summary>"stories260K.gguf  llama 5×64 1.1 MiB jumps" — or the file name and why it cannot be used.</summary>
    public string Describe() => Info is { } i
        ? string.Create(CultureInfo.InvariantCulture,
            $"{i.FileName}  {i.Architecture} {i.BlockCount}×{i.EmbeddingLength} {TextTable.Bytes(i.FileSizeBytes)} {(JumpsPath is null ? "no jumps" : "jumps")}")
        : $"{System.IO.Path.GetFileName(Path)}  unreadable: {Problem}";
}

/// <summary>The GGUF files the chat can switch to: those <c>llamajump models</c> lists (models/gguf,
/// $LLAMAJUMP_MODELS, ../shared/models/gguf), read afresh on every call, with their jump files.</summary>
public sealed class ModelCatalog(ModelResolver resolver, ChatJumps jumps)
{
    public IReadOnlyList<ModelChoice> List() =>
        ModelListing.All(resolver).Select(e => new ModelChoice(e.Path, e.Info, e.Problem, jumps.Find(e.Path))).ToList();
}
