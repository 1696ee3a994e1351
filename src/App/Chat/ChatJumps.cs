using LlamaJump.Models;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.App.Chat;

/// <summary>
/// The chat's view of <see cref="JumpLocator"/>: a model's jump file is <c>&lt;stem&gt;.jumps.gguf</c> beside it, else
/// the cache entry <c>llamajump train</c> keeps under the model's sha256. Listing models never hashes one: the cache
/// entry is seen only once the model's hash is remembered (after its first load or dump).
/// </summary>
public sealed class ChatJumps
{
    /// <summary>The jump file for <paramref name="modelPath"/>, or null when there is none (as far as is known
    /// without hashing the model).</summary>
    public string? Find(string modelPath)
    {
        string beside = JumpLocator.BesideModel(modelPath);
        if (File.Exists(beside))
            return beside;
        return ModelHash.Remembered(modelPath) is { } sha ? JumpLocator.Find(modelPath, sha) : null;
    }

    /// <summary>The jump file for a model being loaded: hashes it if needed (off the UI thread).</summary>
    public string? FindForLoad(string modelPath) => JumpLocator.Find(modelPath, ModelHash.Sha256(modelPath));

    /// <summary>Reads <paramref name="path"/> and checks it was trained for the model (its sha256, blocks and
    /// width). Throws <see cref="JumpFileException"/> (or an I/O exception) with a one-line message.</summary>
    public static JumpSet Load(string path, ModelInfo model)
    {
        var set = JumpFile.Read(path);
        JumpFile.EnsureMatches(set, ModelHash.Sha256(model.Path), model.BlockCount, model.EmbeddingLength, model.FileName);
        return set;
    }

    /// <summary>The commands that make jumps for a model without them, for the UI.</summary>
    public static string HowToMake(string modelFileName) => JumpLocator.HowToMake(modelFileName);
}
