using LLama;
using LLama.Native;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;

namespace LlamaJump.Engine.Generation;

/// <summary>
/// Generates one sequence on a session in the three modes of <see cref="GenerationMode"/>, reading
/// <see cref="GenerationControl"/> before every token (spec mode: before every draft cycle).
/// <list type="bullet">
/// <item>full: one token per decode, no exit policy on the context.</item>
/// <item>exit: the installed jump decides per token at the candidate blocks (or a fixed block); skipped blocks' K/V
/// are filled by state propagation in the same decode, or (recompute) by decoding the exited token again at full
/// depth together with the next token, after removing its cell.</item>
/// <item>spec: draft <see cref="GenerationSettings.DraftLength"/> tokens through the fixed draft block (jump + head,
/// no fill: later drafts only read blocks up to the draft block), verify the pending token and the drafts in one
/// batch — with shared K/V (the default, llama family) only the blocks after the draft block, from the drafts'
/// states, into the drafts' own cells; otherwise at full depth after removing the cells — and keep the longest prefix
/// the full model agrees with plus its own next token. Greedy output equals full mode's up to float rounding: the batch and one-token decodes use different CPU
/// kernels, so where the full model's top-2 logits nearly tie the two may pick different tokens (README, spec).</item>
/// </list>
/// The jump is installed once; a null jump allows full mode only.
/// </summary>
public sealed class EarlyExitGenerator : ITokenGenerator
{
    private readonly ModelSession _session;
    private readonly SamplingOptions _sampling;
    private GenerationStats _stats;

    /// <param name="jump">the jump exit and spec modes use (normally the OJFA jump); null: full mode only</param>
    /// <param name="defaultDraftLayer">spec mode's draft block when the settings name none (default: n_layer / 2)</param>
    /// <exception cref="LlamaJumpException">the backend refuses the jump (width, values, architecture)</exception>
    /// <param name="defaultCandidates">exit mode's candidate blocks where the settings name none (null: the paper's
    /// rule, every block from ⌊L/4⌋, <see cref="ExitCandidates.Default"/>)</param>
    public EarlyExitGenerator(ModelSession session, ExitJump? jump, SamplingOptions? sampling = null, int? defaultDraftLayer = null,
        IReadOnlyList<int>? defaultCandidates = null)
    {
        _session = session;
        // a 1-block model has no exit block: exit mode is refused for it at validation, not here
        DefaultCandidates = defaultCandidates ?? (session.NLayer >= 2 ? ExitCandidates.Default(session.NLayer) : []);
        _sampling = sampling ?? SamplingOptions.Greedy;
        _stats = GenerationStats.Empty(session.NLayer);
        HasJump = jump is not null;
        DefaultDraftLayer = defaultDraftLayer ?? Math.Max(0, session.NLayer / 2 - 1);
        if (jump is not null)
        {
            NativeEarlyExit.Install(session.Context, jump);
        }
        NativeEarlyExit.SetPolicy(session.Context, ExitPolicy.Off);
        PropagationUnavailable = NativeEarlyExit.PropagationUnavailable(session.Context);
    }

    /// <summary>null when exit mode's state propagation works on this model; otherwise the backend's reason, and
    /// <see cref="KvFill.Propagate"/> runs as <see cref="KvFill.Recompute"/> (<see cref="FillFor"/>).</summary>
    public string? PropagationUnavailable { get; }

    /// <summary>The fill exit mode uses for <paramref name="settings"/>: its own, except that propagation falls back
    /// to recompute where <see cref="PropagationUnavailable"/>.</summary>
    public KvFill FillFor(GenerationSettings settings) =>
        settings.Fill == KvFill.Propagate && PropagationUnavailable is not null ? KvFill.Recompute : settings.Fill;

    public bool HasJump { get; }

    public int DefaultDraftLayer { get; }

    /// <summary>Gated spec: the longest run of plain full steps after cycles that got no draft accepted, where a failed
    /// cycle is cheap; longer where it is not, up to <see cref="MaxSpecBackoffCeiling"/> (<see cref="SpecBackoff"/>).</summary>
    public const int MaxSpecBackoff = SpecBackoff.Floor;

    /// <summary>Gated spec: the longest back-off however costly a failed cycle is.</summary>
    public const int MaxSpecBackoffCeiling = SpecBackoff.Ceiling;

    // gated spec's back-off lives as long as the generator: what was learnt about the jump carries over to the next
    // reply (a chat turn, a benchmark's next prompt) as long as the draft block and threshold stay the same
    private readonly SpecBackoff _backoff = new();

    /// <summary>Exit mode's candidate blocks when the settings name none.</summary>
    public IReadOnlyList<int> DefaultCandidates { get; }

    public GenerationStats Stats => _stats;

    /// <summary>Prompt tokens of the last run whose K/V were kept from before (<see cref="Continue"/>); 0 after
    /// <see cref="Generate"/>.</summary>
    public int ReusedTokens { get; private set; }

    /// <summary>Throws <see cref="ArgumentException"/> (or <see cref="InvalidOperationException"/> for a mode that
    /// needs a jump this generator lacks) with a one-line message if <paramref name="settings"/> cannot run here.</summary>
    public void Validate(GenerationSettings settings)
    {
        int nLayer = _session.NLayer;
        if (settings.Mode == GenerationMode.Full)
        {
            return;
        }
        if (!HasJump)
        {
            throw new InvalidOperationException($"{settings.Mode.ToString().ToLowerInvariant()} mode needs a jump file for this model; make one with `llamajump dump` and `llamajump train`");
        }
        if (!ExitPolicy.IsValidLambda(settings.Lambda))
        {
            throw new ArgumentException($"λ must be in [0, 1] (above 1 means never exit), got {settings.Lambda}");
        }
        if (settings.ExitLayer is { } k && (k < 0 || k > nLayer - 2))
        {
            throw new ArgumentException($"exit block {k} is beyond the model: its exit blocks are 0..{nLayer - 2}");
        }
        if (settings.Candidates is { } levels && levels.Any(l => l < 0 || l > nLayer - 2))
        {
            throw new ArgumentException($"a candidate exit block is beyond the model: its exit blocks are 0..{nLayer - 2}");
        }
        if (settings.Mode == GenerationMode.Spec && settings.DraftLength < 1)
        {
            throw new ArgumentException($"the draft length must be at least 1 (got {settings.DraftLength})");
        }
        if (settings.Mode == GenerationMode.Spec && !(settings.DraftThreshold >= 0 && settings.DraftThreshold <= 1))
        {
            throw new ArgumentException($"the draft threshold must be in [0, 1] (got {settings.DraftThreshold})");
        }
    }

    /// <summary>Generates after <paramref name="promptTokens"/> on an empty KV cache.</summary>
    public IEnumerable<GeneratedToken> Generate(IReadOnlyList<int> promptTokens, int maxTokens, GenerationControl control, CancellationToken cancel = default) =>
        Start(promptTokens, maxTokens, control, cancel, reuse: false);

    /// <summary>Generates after <paramref name="promptTokens"/>, keeping the cells of the longest prefix of them that
    /// sequence 0 holds (<see cref="ModelSession.CachedTokens"/>, at least one token is always decoded) and decoding
    /// the rest. At the end of the run — finished, stopped, or abandoned by the caller — the session records what the
    /// cache now holds: the prompt and every fed token, up to an exited token still awaiting recompute. Cells keep
    /// what generation wrote: full depth in full and spec mode and for recompute; in exit mode with propagation, a
    /// token that exited holds the propagated K/V of the blocks it skipped (what the tokens after it attended to).</summary>
    public IEnumerable<GeneratedToken> Continue(IReadOnlyList<int> promptTokens, int maxTokens, GenerationControl control, CancellationToken cancel = default) =>
        Start(promptTokens, maxTokens, control, cancel, reuse: true);

    private IEnumerable<GeneratedToken> Start(IReadOnlyList<int> promptTokens, int maxTokens, GenerationControl control, CancellationToken cancel, bool reuse)
    {
        ArgumentNullException.ThrowIfNull(promptTokens);
        ArgumentNullException.ThrowIfNull(control);
        if (promptTokens.Count == 0)
        {
            throw new ArgumentException("the prompt holds no tokens", nameof(promptTokens));
        }
        int room = _session.Options.ContextSize - promptTokens.Count - 1;
        if (room <= 0)
        {
            throw new ArgumentException($"the prompt ({promptTokens.Count} tokens) fills the context of {_session.Options.ContextSize}", nameof(promptTokens));
        }
        Validate(control.Settings);
        return Run(promptTokens, Math.Min(maxTokens, room), control, cancel, reuse);
    }

    /// <summary>The length of the longest common prefix of <paramref name="cached"/> and <paramref name="prompt"/>,
    /// below the prompt's length (its last token is decoded again for its logits).</summary>
    internal static int ReusablePrefix(IReadOnlyList<int> cached, IReadOnlyList<int> prompt)
    {
        int n = Math.Min(cached.Count, prompt.Count - 1), i = 0;
        while (i < n && cached[i] == prompt[i])
        {
            i++;
        }
        return i;
    }

    private IEnumerable<GeneratedToken> Run(IReadOnlyList<int> prompt, int maxTokens, GenerationControl control, CancellationToken cancel, bool reuse)
    {
        var state = new DecodeState(_session, _sampling.CreatePipeline());
        _stats = state.Stats(spec: false);
        int kept = reuse ? ReusablePrefix(_session.CachedTokens, prompt) : 0;
        ReusedTokens = kept;
        if (kept == 0)
        {
            _session.ClearMemory();
        }
        else
        {
            _session.RecordCached([]); // unknown until this run ends cleanly
            state.RemoveFrom(kept);
        }
        // true while the cache holds exactly the prompt and the fed tokens (between steps); the session records them
        // at the end only then, so a decode that failed half-way is never reused
        bool clean = false;
        try
        {
            foreach (var token in Steps(state, prompt, kept, maxTokens, control, cancel, () => clean = false, () => clean = true))
            {
                yield return token;
            }
        }
        finally
        {
            if (clean)
            {
                _session.RecordCached(state.CellTokens(prompt));
            }
        }
    }

    private IEnumerable<GeneratedToken> Steps(DecodeState state, IReadOnlyList<int> prompt, int kept, int maxTokens, GenerationControl control,
        CancellationToken cancel, Action dirty, Action clean)
    {
        bool spec = false;
        var settings = control.Settings;
        Validate(settings);
        // a one-token prompt would be a one-token decode: keep it at full depth in spec mode (its logits pick the
        // first token, which must be the full model's)
        state.Use(settings.Mode == GenerationMode.Exit ? PolicyFor(settings) : ExitPolicy.Off);
        var batch = new LLamaBatch();
        for (int i = kept; i < prompt.Count; i++)
        {
            batch.Add((LLamaToken)prompt[i], i, LLamaSeqId.Zero, logits: i == prompt.Count - 1);
        }
        dirty();
        int[] levels = state.Decode(batch, 1, prompt: true);
        state.StartClock(); // decode speed: the prompt's processing is not timed
        NoteExit(state, levels[0], prompt[^1], prompt.Count - 1, FillFor(settings));
        state.Position = prompt.Count;
        state.Pending = state.Choose(batch.TokenCount - 1);
        clean();
        if (state.IsEnd(state.Pending))
        {
            yield break;
        }
        _stats = state.Stats(spec);
        yield return state.Emit(state.Pending, levels[0], settings.Mode == GenerationMode.Spec ? false : null);
        _stats = state.Stats(spec);

        while (state.Tokens < maxTokens && !cancel.IsCancellationRequested)
        {
            settings = control.Settings;
            Validate(settings);
            spec |= settings.Mode == GenerationMode.Spec;
            // a cycle emits up to draft length + 1 tokens: never more than maxTokens in all
            int room = maxTokens - state.Tokens;
            bool gated = settings.Mode == GenerationMode.Spec && settings.DraftThreshold > 0;
            dirty();
            IReadOnlyList<GeneratedToken> produced;
            var backoff = gated ? _backoff.For(DraftLayerFor(settings), settings.DraftThreshold) : null;
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            if (settings.Mode == GenerationMode.Spec && room > 1 && backoff is not { Skip: > 0 })
            {
                produced = SpecCycle.Run(state, DraftLayerFor(settings), Math.Min(settings.DraftLength, room - 1), settings.DraftThreshold, settings.SharedKv);
                backoff?.CycleDone(produced.Any(t => t.DraftAccepted == true), System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds, produced.Count);
            }
            else
            {
                produced = [Step(state, settings)];
                backoff?.FullStepDone(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
            }
            clean();
            bool ended = false;
            foreach (var token in produced)
            {
                if (token.ExitLayer < 0)
                {
                    ended = true;
                    break;
                }
                _stats = state.Stats(spec);
                yield return token;
            }
            _stats = state.Stats(spec);
            if (ended)
            {
                break;
            }
        }
        state.StopClock();
        _stats = state.Stats(spec);
    }

    /// <summary>One full-depth or early-exit step: feed the pending token (after the recompute of an exited one),
    /// choose the next. An end-of-generation token is not emitted (empty result ends the run).</summary>
    private GeneratedToken Step(DecodeState state, GenerationSettings settings)
    {
        var (level, row) = Feed(state, settings);
        state.Pending = state.Choose(row);
        return state.IsEnd(state.Pending) ? EndMarker : state.Emit(state.Pending, level, settings.Mode == GenerationMode.Spec ? false : null);
    }

    /// <summary>Decodes the pending token at the next position (after the recompute of an exited one) under
    /// <paramref name="settings"/>; returns its exit block and the batch row holding its logits.</summary>
    private (int Level, int Row) Feed(DecodeState state, GenerationSettings settings)
    {
        state.Use(settings.Mode == GenerationMode.Exit ? PolicyFor(settings) : ExitPolicy.Off);
        var batch = new LLamaBatch();
        if (state.Recompute is { } redo)
        {
            state.RemoveFrom(redo.Position);
            batch.Add((LLamaToken)redo.Token, redo.Position, LLamaSeqId.Zero, logits: false);
            state.Recompute = null;
        }
        int fed = state.Pending;
        batch.Add((LLamaToken)fed, state.Position, LLamaSeqId.Zero, logits: true);
        int[] levels = state.Decode(batch, 1, prompt: false);
        NoteExit(state, levels[0], fed, state.Position, FillFor(settings));
        state.Position++;
        return (levels[0], batch.TokenCount - 1);
    }

    /// <summary>
    /// Exit mode teacher-forced: <paramref name="tokens"/> (BOS first) are fed from an empty cache as if each had been
    /// chosen, and the last one is decoded under <paramref name="settings"/> (exit mode; alone, except that under
    /// recompute it carries the recompute of an exited token before it, and then runs to full depth). The tokens before it are
    /// decoded either one per decode under the same settings — so they exit and fill their skipped blocks (propagate or
    /// recompute) and are attended to exactly as in generation — or, with <paramref name="historyAtFullDepth"/>, in one
    /// full-depth batch, as a dump decodes them. Returns the last token's exit block (n_layer − 1: none) and the greedy
    /// choice after it. Leaves the cache unrecorded (<see cref="ModelSession.CachedTokens"/> empty).
    /// </summary>
    /// <exception cref="ArgumentException">no tokens, more than the context holds, or settings exit mode cannot run</exception>
    public (int ExitLayer, int Next) ForcedExit(IReadOnlyList<int> tokens, GenerationSettings settings, bool historyAtFullDepth = false)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (settings.Mode != GenerationMode.Exit)
            throw new ArgumentException("a teacher-forced exit runs exit mode");
        if (tokens.Count == 0 || tokens.Count > _session.Options.ContextSize)
            throw new ArgumentException($"{tokens.Count} tokens for a context of {_session.Options.ContextSize}", nameof(tokens));
        Validate(settings);
        _session.ClearMemory();
        var state = new DecodeState(_session, pipeline: null); // greedy: the choice is the argmax
        int first = 0;
        if (historyAtFullDepth && tokens.Count > 1)
        {
            state.Use(ExitPolicy.Off);
            var batch = new LLamaBatch();
            for (int i = 0; i < tokens.Count - 1; i++)
                batch.Add((LLamaToken)tokens[i], i, LLamaSeqId.Zero, logits: false);
            state.Decode(batch, 0, prompt: true);
            state.Position = first = tokens.Count - 1;
        }
        int level = 0, row = 0;
        for (int i = first; i < tokens.Count; i++)
        {
            state.Pending = tokens[i];
            (level, row) = Feed(state, settings);
        }
        return (level, state.Choose(row));
    }

    /// <summary>A token whose decode exited early is remembered for recompute when the fill is recompute.</summary>
    private static void NoteExit(DecodeState state, int level, int token, int position, KvFill fill)
    {
        if (level < state.NLayer - 1 && fill == KvFill.Recompute)
        {
            state.Recompute = (token, position);
        }
    }

    private ExitPolicy PolicyFor(GenerationSettings settings) => settings.ExitLayer is { } k
        ? ExitPolicy.Fixed(k, FillFor(settings) == KvFill.Propagate)
        : new ExitPolicy(settings.Candidates ?? DefaultCandidates, settings.Lambda, FillFor(settings) == KvFill.Propagate);

    private int DraftLayerFor(GenerationSettings settings) => settings.ExitLayer ?? DefaultDraftLayer;

    /// <summary>Stands for "the model ended the text" inside a step's result; never reaches the caller.</summary>
    internal static readonly GeneratedToken EndMarker = new(-1, "", "", -1);
}
