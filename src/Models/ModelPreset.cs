namespace LlamaJump.Models;

/// <summary>
/// The shapes of the paper's three models (section 5), for random-weight models that cost what the real ones cost:
/// architecture, depth, width, FFN size, heads, training context, and the vocab-only GGUF (in
/// <c>../shared/models/vocab/</c>) whose tokenizer the real model has. Hyperparameters from the models' published
/// configurations: Llama-2-7B (32 × 4096, n_ff 11008, 32 heads, context 4096, 32k SentencePiece vocab), Phi-3-mini
/// (32 × 3072, n_ff 8192, 32 heads, context 4096, 32k vocab) and GPT-2-XL (48 × 1600, n_ff 6400, 25 heads of 64,
/// context 1024, 50k BPE vocab).
/// </summary>
public sealed record ModelPreset(string Name, string Architecture, uint Blocks, uint Embd, uint Ff, uint Heads, uint HeadsKv, uint ContextLength, string VocabFile)
{
    public static IReadOnlyList<ModelPreset> All { get; } =
    [
        new("llama2-7b", "llama", Blocks: 32, Embd: 4096, Ff: 11008, Heads: 32, HeadsKv: 32, ContextLength: 4096, "ggml-vocab-llama-spm.gguf"),
        new("phi3-mini", "phi3", Blocks: 32, Embd: 3072, Ff: 8192, Heads: 32, HeadsKv: 32, ContextLength: 4096, "ggml-vocab-phi-3.gguf"),
        new("gpt2-xl", "gpt2", Blocks: 48, Embd: 1600, Ff: 6400, Heads: 25, HeadsKv: 25, ContextLength: 1024, "ggml-vocab-gpt-2.gguf"),
    ];

    /// <summary>"llama2-7b, phi3-mini, gpt2-xl".</summary>
    public static string Names => string.Join(", ", All.Select(p => p.Name));

    /// <summary>The preset of that name (case-insensitive), or null.</summary>
    public static ModelPreset? Find(string name) =>
        All.FirstOrDefault(p => string.Equals(p.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The vocab file under the shared directory beside the repository root <paramref name="home"/>.</summary>
    public string VocabPath(string home) => Path.GetFullPath(Path.Combine(home, "..", "shared", "models", "vocab", VocabFile));
}
