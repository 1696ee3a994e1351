using System.Globalization;
using LlamaJump.App;
using LlamaJump.Gguf;
using LlamaJump.Models;

namespace LlamaJump.App.Bench;

/// <summary>The options of <c>llamajump bench make-model</c> as given; <see cref="ToSpec"/> and
/// <see cref="WeightType"/> check them and name the offending option in a <see cref="UserInputException"/>.</summary>
/// <param name="QuietAfter">--quiet-after K: blocks K + 1 … blocks − 1 are quiet (<see cref="QuietBlocks"/>); null:
/// none is.</param>
/// <param name="QuietScale">--quiet-scale S, only with --quiet-after; null: <see cref="QuietBlocks.DefaultScale"/>.</param>
/// <param name="StreamRank">--stream-rank (<see cref="RandomModelSpec.StreamRank"/>); null: the full width.</param>
/// <param name="HeadScale">--head-scale (<see cref="RandomModelSpec.HeadScale"/>).</param>
public sealed record MakeModelOptions(string Out, int Blocks, int Embd, int Ff, int Heads, int HeadsKv, string Type, string Vocab, ulong Seed,
    int? QuietAfter = null, double? QuietScale = null, int? StreamRank = null, double HeadScale = 1)
{
    public const int DefaultBlocks = 24;
    public const int DefaultEmbd = 1024;
    public const int DefaultFf = 2816;
    public const int DefaultHeads = 16;

    /// <summary>The vocab-only GGUF with Llama-2's 32k SentencePiece tokenizer, under the shared directory beside
    /// the repository root <paramref name="home"/>.</summary>
    public static string DefaultVocab(string home) =>
        Path.GetFullPath(Path.Combine(home, "..", "shared", "models", "vocab", "ggml-vocab-llama-spm.gguf"));

    /// <summary>A llama spec (<see cref="RandomModelSpec.Llama"/>) of the given shape.</summary>
    public RandomModelSpec ToSpec()
    {
        if (string.IsNullOrWhiteSpace(Out))
            throw new UserInputException("--out needs a file name");
        foreach (var (option, value) in new[] { ("--blocks", Blocks), ("--embd", Embd), ("--ff", Ff), ("--heads", Heads), ("--heads-kv", HeadsKv) })
        {
            if (value < 1)
                throw new UserInputException($"{option} must be positive, not {value}");
        }
        if (Blocks > RandomModelSpec.MaxBlockCount)
            throw new UserInputException($"--blocks {Blocks} is above llama.cpp's limit of {RandomModelSpec.MaxBlockCount}");
        if (Embd % Heads != 0)
            throw new UserInputException($"--embd {Embd} is not a multiple of --heads {Heads}");
        if (Embd / Heads % 2 != 0)
            throw new UserInputException($"--embd / --heads = {Embd / Heads} is odd; RoPE needs an even head size");
        if (Heads % HeadsKv != 0)
            throw new UserInputException($"--heads {Heads} is not a multiple of --heads-kv {HeadsKv}");
        var quiet = Quiet();
        if (StreamRank is { } rank && (rank < 1 || rank >= Embd))
        {
            throw new UserInputException($"--stream-rank {rank} must be in 1 … {Embd - 1} (below --embd {Embd})");
        }
        Positive("--head-scale", HeadScale);
        var spec = RandomModelSpec.Llama((uint)Blocks, (uint)Embd, (uint)Ff, (uint)Heads, (uint)HeadsKv, Seed) with
        {
            Quiet = quiet,
            StreamRank = (uint?)StreamRank,
            HeadScale = HeadScale,
        };
        spec.Validate();
        return spec;
    }

    private QuietBlocks? Quiet()
    {
        if (QuietAfter is not { } after)
        {
            return QuietScale is null ? null : throw new UserInputException("--quiet-scale needs --quiet-after");
        }
        if (after < 0 || after > Blocks - 2)
        {
            throw new UserInputException(Blocks < 2
                ? $"--quiet-after needs at least 2 blocks (a quiet block after block K), not --blocks {Blocks}"
                : $"--quiet-after {after} is beyond the model: with --blocks {Blocks} it must be in 0 … {Blocks - 2}");
        }
        double scale = QuietScale ?? QuietBlocks.DefaultScale;
        Positive("--quiet-scale", scale);
        return new QuietBlocks((uint)after, scale);
    }

    private static void Positive(string option, double value)
    {
        if (!(value > 0) || !double.IsFinite(value))
        {
            throw new UserInputException($"{option} must be a positive finite number, not {value.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    public GgmlType WeightType() => Type.ToLowerInvariant() switch
    {
        "f16" => GgmlType.F16,
        "f32" => GgmlType.F32,
        "bf16" => GgmlType.BF16,
        _ => throw new UserInputException($"--type must be f16, f32 or bf16, not '{Type}'"),
    };
}
