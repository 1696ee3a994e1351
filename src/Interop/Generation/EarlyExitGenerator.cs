using LLama;
using LLama.Native;
using LlamaJump.Interop.EarlyExit;

namespace LlamaJump.Interop.Generation;

/// <summary>
/// Generates one sequence on a session in the three modes of <see cref="GenerationMode"/>, reading
/// <see cref="GenerationControl"/> before every token (spec mode: before every draft cycle).
/// <list type="bullet">
/// <item>full: one token per decode, no exit policy on the context.</item>
/// <item>exit: the installed jump decides per token at the candidate blocks (or a fixed block); skipped blocks' K/V
/// are filled by state propagation in the same decode, or (recompute) by decoding the exited token again at full
/// depth together with the next token, after removing its cell.</item>
/// <item>spec: draft <see cref="GenerationSettings.DraftLength"/> tokens through the fixed draft block (jump + head,
/// no fill: later drafts only read blocks up to the draft block), remove the drafts' cells, verify the pending token
/// and the drafts in one full-depth batch, keep the longest prefix the full model agrees with plus its own next
/// token. Greedy output equals full mode's up to float rounding: the batch and one-token decodes use different CPU
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
    public EarlyExitGenerator(ModelSession session, ExitJump? jump, SamplingOptions? sampling = null, int? defaultDraftLayer = null)
    {
        _session = session;
        _sampling = sampling ?? SamplingOptions.Greedy;
        _stats = GenerationStats.Empty(session.NLayer);
        HasJump = jump is not null;
        DefaultDraftLayer = defaultDraftLayer ?? Math.Max(0, session.NLayer / 2 - 1);
        if (jump is not null)
        {
            NativeEarlyExit.Install(session.Context, jump);
        }
        NativeEarlyExit.SetPolicy(session.Context, ExitPolicy.Off);
    }

    public bool HasJump { get; }

    public int DefaultDraftLayer { get; }

    public GenerationStats Stats => _stats;

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
    }

    public IEnumerable<GeneratedToken> Generate(IReadOnlyList<int> promptTokens, int maxTokens, GenerationControl control, CancellationToken cancel = default)
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
        return Run(promptTokens, Math.Min(maxTokens, room), control, cancel);
    }

    private IEnumerable<GeneratedToken> Run(IReadOnlyList<int> prompt, int maxTokens, GenerationControl control, CancellationToken cancel)
    {
        var state = new DecodeState(_session, _sampling.CreatePipeline());
        bool spec = false;
        _stats = state.Stats(spec);
        _session.Context.NativeHandle.MemoryClear();

        var settings = control.Settings;
        Validate(settings);
        // a one-token prompt would be a one-token decode: keep it at full depth in spec mode (its logits pick the
        // first token, which must be the full model's)
        state.Use(settings.Mode == GenerationMode.Exit ? PolicyFor(settings) : ExitPolicy.Off);
        var batch = new LLamaBatch();
        for (int i = 0; i < prompt.Count; i++)
        {
            batch.Add((LLamaToken)prompt[i], i, LLamaSeqId.Zero, logits: i == prompt.Count - 1);
        }
        int[] levels = state.Decode(batch, 1, prompt: true);
        state.StartClock(); // decode speed: the prompt's processing is not timed
        NoteExit(state, levels[0], prompt[^1], prompt.Count - 1, settings.Fill);
        state.Position = prompt.Count;
        state.Pending = state.Choose(batch.TokenCount - 1);
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
            IReadOnlyList<GeneratedToken> produced = settings.Mode == GenerationMode.Spec && room > 1
                ? SpecCycle.Run(state, DraftLayerFor(settings), Math.Min(settings.DraftLength, room - 1))
                : [Step(state, settings)];
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
        NoteExit(state, levels[0], fed, state.Position, settings.Fill);
        state.Position++;
        state.Pending = state.Choose(batch.TokenCount - 1);
        return state.IsEnd(state.Pending) ? EndMarker : state.Emit(state.Pending, levels[0], settings.Mode == GenerationMode.Spec ? false : null);
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
        ? ExitPolicy.Fixed(k, settings.Fill == KvFill.Propagate)
        : new ExitPolicy(settings.Candidates ?? ExitCandidates.Default(_session.NLayer), settings.Lambda, settings.Fill == KvFill.Propagate);

    private int DraftLayerFor(GenerationSettings settings) => settings.ExitLayer ?? DefaultDraftLayer;

    /// <summary>Stands for "the model ended the text" inside a step's result; never reaches the caller.</summary>
    internal static readonly GeneratedToken EndMarker = new(-1, "", "", -1);
}
