using LlamaJump.Models;

namespace LlamaJump.Shortcuts.Jumps;

/// <summary>
/// Where a model's jump file is found when none is named: <c>&lt;stem&gt;.jumps.gguf</c> beside the model (stem: the
/// file name without .gguf), then the cache entry for the model's sha256 (<see cref="LlamaJumpCache.JumpFile"/>,
/// written by <c>llamajump train</c>). A file found either way must have been trained for this very model (its
/// sha256, blocks and width), else it is refused with the reason.
/// </summary>
public static class JumpLocator
{
    public static string BesideModel(string modelPath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!,
        Path.GetFileNameWithoutExtension(modelPath) + ".jumps.gguf");

    /// <summary>The jump file for the model, or null when there is none.</summary>
    public static string? Find(string modelPath, string modelSha256)
    {
        string beside = BesideModel(modelPath);
        if (File.Exists(beside))
        {
            return beside;
        }
        return LlamaJumpCache.JumpFile(modelSha256) is { } cached && File.Exists(cached) ? cached : null;
    }

    /// <summary>Reads <paramref name="jumpPath"/> (or the file <see cref="Find"/> locates when null) and checks it
    /// belongs to the model. Returns null when no file is named or found.</summary>
    /// <exception cref="JumpFileException">unreadable, or trained for another model</exception>
    public static JumpSet? Load(string modelPath, ModelInfo model, string? jumpPath)
    {
        string sha = ModelHash.Sha256(modelPath);
        string? path = jumpPath ?? Find(modelPath, sha);
        if (path is null)
        {
            return null;
        }
        var set = JumpFile.Read(path);
        JumpFile.EnsureMatches(set, sha, model.BlockCount, model.EmbeddingLength, model.FileName);
        return set;
    }

    /// <summary>Keeps the OJFA jump of <paramref name="set"/> in the cache for its model; returns the path, or null
    /// when there is no cache directory.</summary>
    public static string? Remember(JumpSet set)
    {
        if (LlamaJumpCache.JumpFile(set.Identity.ModelSha256) is not { } path)
        {
            return null;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        JumpFile.WriteOjfaOnly(path, set);
        return path;
    }

    /// <summary>The commands that make a jump file for the model, for messages.</summary>
    public static string HowToMake(string modelFileName)
    {
        string stem = Path.GetFileNameWithoutExtension(modelFileName);
        return $"llamajump dump --model {modelFileName} --out dumps/{stem} && llamajump train --dump dumps/{stem} --out jumps/{stem}.gguf";
    }
}
