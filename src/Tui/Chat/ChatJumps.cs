using LlamaJump.Interop.Models;
using LlamaJump.Shortcuts.Jumps;
using LlamaJump.Tui.Dump;

namespace LlamaJump.Tui.Chat;

/// <summary>
/// Finds and reads the jump file of a model for the chat. A model's jump file is looked for, in this order, at
/// <c>&lt;home&gt;/jumps/&lt;stem&gt;-ojfa.gguf</c>, <c>&lt;home&gt;/jumps/&lt;stem&gt;.gguf</c> and
/// <c>&lt;stem&gt;.jumps.gguf</c> beside the model (stem: the model's file name without .gguf), matching what
/// <c>llamajump train --out jumps/&lt;stem&gt;-ojfa.gguf --ojfa-only</c> writes.
/// </summary>
public sealed class ChatJumps(string home)
{
    /// <summary>The jump file for <paramref name="modelPath"/>, or null when there is none.</summary>
    public string? Find(string modelPath)
    {
        string stem = Path.GetFileNameWithoutExtension(modelPath);
        string[] candidates =
        [
            Path.Combine(home, "jumps", stem + "-ojfa.gguf"),
            Path.Combine(home, "jumps", stem + ".gguf"),
            Path.Combine(Path.GetDirectoryName(modelPath) ?? ".", stem + ".jumps.gguf"),
        ];
        return candidates.FirstOrDefault(File.Exists);
    }

    /// <summary>Reads <paramref name="path"/> and checks it was trained for the model (its sha256, blocks and
    /// width). Throws <see cref="JumpFileException"/> (or an I/O exception) with a one-line message.</summary>
    public static JumpSet Load(string path, ModelInfo model)
    {
        var set = JumpFile.Read(path);
        JumpFile.EnsureMatches(set, ModelHash.Sha256(model.Path), model.BlockCount, model.EmbeddingLength, model.FileName);
        return set;
    }

    /// <summary>The commands that make jumps for a model without them, for the UI.</summary>
    public static string HowToMake(string modelFileName)
    {
        string stem = Path.GetFileNameWithoutExtension(modelFileName);
        return $"llamajump dump --model {modelFileName} --corpus <text> --out dumps/{stem} && "
            + $"llamajump train --dump dumps/{stem} --out jumps/{stem}-ojfa.gguf --ojfa-only";
    }
}
