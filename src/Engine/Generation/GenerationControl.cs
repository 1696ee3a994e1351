using LlamaJump.Interop;

namespace LlamaJump.Engine.Generation;

/// <summary>
/// The settings a running generation reads before every token (every draft cycle in spec mode), so a UI can change
/// them while a reply streams: changes apply from the next token. Thread-safe: one writer, the generator reads.
/// λ above 1 means "never exit"; <see cref="ExitLayer"/> set means a fixed exit block (λ is then ignored).
/// </summary>
public sealed class GenerationControl
{
    private volatile GenerationSettings current;

    public GenerationControl(GenerationSettings settings) => current = settings;

    public GenerationSettings Settings
    {
        get => current;
        set => current = value ?? throw new ArgumentNullException(nameof(value));
    }
}

/// <summary>Mode, confidence threshold λ, optional fixed exit block (in spec mode: the draft block), the KV fill for
/// blocks an exited token skipped, the candidate exit blocks (null: the generator's default), the spec-mode draft
/// length (the most drafts per cycle) and draft threshold. Validated against the model by the generator.</summary>
/// <param name="DraftThreshold">spec: 0 drafts <see cref="DraftLength"/> tokens every cycle; above 0 the drafting is
/// gated — a cycle drafts while the draft's top softmax probability (head(jump(h^k))) is ≥ the threshold and stops at
/// the first unsure draft, which is not verified, and after a cycle that got no draft accepted the next cycles back off
/// to plain full steps (1, 2, 4, … up to <see cref="EarlyExitGenerator.MaxSpecBackoff"/>, or more where a failed
/// cycle costs more than 2 % of the steps between cycles, reset by an accepted draft)</param>
/// <param name="SharedKv">spec: verification computes only the blocks after the draft block, from the states the
/// drafts left there, and keeps the drafts' K/V of the blocks up to it (LayerSkip's cache reuse; llama-family models,
/// others and a cache that moved the cells verify at full depth); false: verification recomputes every block</param>
public sealed record GenerationSettings(
    GenerationMode Mode = GenerationMode.Full,
    float Lambda = 0.9f,
    int? ExitLayer = null,
    KvFill Fill = KvFill.Propagate,
    IReadOnlyList<int>? Candidates = null,
    int DraftLength = 4,
    float DraftThreshold = 0f,
    bool SharedKv = true);

/// <summary>How the K/V of the blocks an exited token skipped are filled: <see cref="Propagate"/> computes them from
/// the exit state (CALM's state propagation); <see cref="Recompute"/> runs the exited token again at full depth
/// together with the next token.</summary>
public enum KvFill
{
    Propagate,
    Recompute,
}
