using System.Globalization;
using LlamaJump.App;
using LlamaJump.Gguf;
using LlamaJump.Interop;
using LlamaJump.Models;

namespace LlamaJump.App.Bench;

/// <summary>The options of <c>llamajump bench make-model</c> as given; <see cref="ToSpec"/> and
/// <see cref="WeightType"/> check them and name the offending option in a <see cref="UserInputException"/>.</summary>
/// <param name="QuietAfter">--quiet-after K: blocks K + 1 … blocks − 1 are quiet (<see cref="QuietBlocks"/>); null:
/// none is.</param>
/// <param name="QuietScale">--quiet-scale S, only with --quiet-after; null: <see cref="QuietBlocks.DefaultScale"/>.</param>
/// <param name="StreamRank">--stream-rank (<see cref="RandomModelSpec.StreamRank"/>); null: the full width.</param>
/// <param name="HeadScale">--head-scale (<see cref="RandomModelSpec.HeadScale"/>).</param>
/// <param name="Architecture">--arch, one of <see cref="RandomModelLayout.Architectures"/> (a --preset's otherwise;
/// the options alone make a llama).</param>
/// <param name="ContextLength">n_ctx_train; null: 2048 (a --preset's otherwise).</param>
/// <param name="FusedQkv">--fused-qkv (<see cref="RandomModelSpec.FusedQkv"/>), llama only.</param>
public sealed record MakeModelOptions(string Out, int Blocks, int Embd, int Ff, int Heads, int HeadsKv, string Type, string Vocab, ulong Seed,
    int? QuietAfter = null, double? QuietScale = null, int? StreamRank = null, double HeadScale = 1, string Architecture = "llama",
    int? ContextLength = null, bool FusedQkv = false)
{
    public const int DefaultBlocks = 24;
    public const int DefaultEmbd = 1024;
    public const int DefaultFf = 2816;
    public const int DefaultHeads = 16;

    /// <summary>The vocab-only GGUF with Llama-2's 32k SentencePiece tokenizer, under the shared directory beside
    /// the repository root <paramref name="home"/>.</summary>
    public static string DefaultVocab(string home) => SharedVocab(home, "ggml-vocab-llama-spm.gguf");

    /// <summary>The shared vocab-only GGUF that suits <paramref name="architecture"/>: GPT-2's 50k byte-level BPE for
    /// gpt2 and the families whose real tokenizers are byte-level BPE (qwen2, qwen3, phi2, stablelm, starcoder2,
    /// olmo2, granite), Phi-3's 32k SentencePiece for phi3, and Llama-2's 32k SentencePiece for llama, the gemma
    /// family (SentencePiece like theirs) and any other name.</summary>
    public static string DefaultVocab(string home, string architecture) => SharedVocab(home, architecture switch
    {
        "gpt2" or "qwen2" or "qwen3" or "phi2" or "stablelm" or "starcoder2" or "olmo2" or "granite" => "ggml-vocab-gpt-2.gguf",
        "phi3" => "ggml-vocab-phi-3.gguf",
        _ => "ggml-vocab-llama-spm.gguf",
    });

    private static string SharedVocab(string home, string file) =>
        Path.GetFullPath(Path.Combine(home, "..", "shared", "models", "vocab", file));

    /// <summary>The options of --preset <paramref name="name"/> with everything else at its default; the caller
    /// overrides what the user gave. Throws <see cref="UserInputException"/> for a name that is no preset.</summary>
    public static MakeModelOptions FromPreset(string name, string output, string home, string type, ulong seed)
    {
        var preset = ModelPreset.Find(name) ?? throw new UserInputException($"--preset '{name}' is not one of {ModelPreset.Names}");
        return new MakeModelOptions(output, (int)preset.Blocks, (int)preset.Embd, (int)preset.Ff, (int)preset.Heads, (int)preset.HeadsKv, type,
            preset.VocabPath(home), seed, Architecture: preset.Architecture, ContextLength: (int)preset.ContextLength);
    }

    /// <summary>The spec (<see cref="RandomModelSpec.Of"/>) of the given architecture and shape.</summary>
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
        if (!RandomModelLayout.Architectures.Contains(Architecture))
            throw new UserInputException($"--arch '{Architecture}' is not one of {string.Join(", ", RandomModelLayout.Architectures)}");
        if (ContextLength is < 1)
            throw new UserInputException($"the context length must be positive, not {ContextLength}");
        if (Embd / Heads % 4 != 0 && RandomModelLayout.HasPartialRotary(Architecture))
            throw new UserInputException($"--embd / --heads = {Embd / Heads} is not a multiple of 4; {Architecture} rotates half of each head, which needs one");
        if (Embd / Heads % 2 != 0 && RandomModelLayout.HasRope(Architecture))
            throw new UserInputException($"--embd / --heads = {Embd / Heads} is odd; RoPE needs an even head size");
        if (FusedQkv && Architecture != "llama")
            throw new UserInputException($"--fused-qkv is a llama layout; --arch {Architecture} has its own attention tensors");
        if (Heads % HeadsKv != 0)
            throw new UserInputException($"--heads {Heads} is not a multiple of --heads-kv {HeadsKv}");
        var quiet = Quiet();
        if (StreamRank is { } rank && (rank < 1 || rank >= Embd))
        {
            throw new UserInputException($"--stream-rank {rank} must be in 1 … {Embd - 1} (below --embd {Embd})");
        }
        Positive("--head-scale", HeadScale);
        if (HeadScale != 1 && !RandomModelLayout.HasOwnOutput(Architecture))
            throw new UserInputException($"--head-scale: {Architecture} ties its output to token_embd, so there is no output.weight to scale");
        var spec = RandomModelSpec.Of(Architecture, (uint)Blocks, (uint)Embd, (uint)Ff, (uint)Heads, (uint)HeadsKv, Seed, (uint)(ContextLength ?? 2048)) with
        {
            Quiet = quiet,
            StreamRank = (uint?)StreamRank,
            HeadScale = HeadScale,
            FusedQkv = FusedQkv,
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

    /// <summary>The --type: one of <see cref="WeightTypes.All"/>. ggml's other types are refused by name: those
    /// that need an importance matrix (which a random model has none of) and those this build does not write.</summary>
    public GgmlType WeightType()
    {
        if (WeightTypes.TryParse(Type, out var type))
            return type;
        bool known = Enum.TryParse<GgmlType>(Type.Trim(), ignoreCase: true, out var other) && Enum.IsDefined(other);
        string why = known && GgmlQuantization.RequiresImportanceMatrix(other)
            ? "ggml quantises it only with an importance matrix, which a random model has none of"
            : known ? "make-model cannot write it" : "no ggml type of that name";
        throw new UserInputException($"--type '{Type}': {why}; choose one of {WeightTypes.Names}");
    }
}
