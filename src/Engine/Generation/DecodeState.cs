using System.Diagnostics;
using System.Text;
using LLama;
using LLama.Native;
using LLama.Sampling;
using LlamaJump.Engine;
using LlamaJump.Interop;
using LlamaJump.Interop.EarlyExit;

namespace LlamaJump.Engine.Generation;

/// <summary>
/// One sequence being generated on a session's context: the next position, the token chosen but not yet fed
/// (<see cref="Pending"/>), an exited token whose skipped blocks still await recomputation, the exit policy now set
/// on the context, and the counters behind <see cref="GenerationStats"/>. Every decode goes through
/// <see cref="Decode"/>, which counts block evaluations: blocks the scheduler reached × tokens in the batch (without a
/// policy: n_layer × tokens), for the prompt only its last token's share.
/// </summary>
internal sealed class DecodeState
{
    private readonly ModelSession _session;
    private readonly ISamplingPipeline? _pipeline;
    private readonly StreamingTokenDecoder _text;
    private readonly Stopwatch _clock = new();
    private readonly int[] _histogram;
    private readonly ThreadGovernor _threads;
    private readonly List<int> _emitted = [];
    private ExitPolicy _policy = ExitPolicy.Off;
    private bool _policyKnown;

    public DecodeState(ModelSession session, ISamplingPipeline? pipeline)
    {
        _session = session;
        _pipeline = pipeline;
        _text = new StreamingTokenDecoder(Encoding.UTF8, session.Weights);
        _histogram = new int[session.NLayer];
        _threads = new ThreadGovernor(session.Context, session.Threads);
    }

    public LLamaContext Context => _session.Context;
    public int NLayer => _session.NLayer;
    public int Position { get; set; }
    public int Pending { get; set; }
    /// <summary>(token, position) of an exited token whose blocks after the exit still hold no K/V.</summary>
    public (int Token, int Position)? Recompute { get; set; }
    public int Tokens { get; private set; }
    public long Blocks { get; private set; }
    public int Drafted { get; set; }
    public int Accepted { get; set; }
    /// <summary>Spec mode: wall time in drafting decodes and in verification decodes (the rest is overhead).</summary>
    public TimeSpan DraftTime { get; set; }
    public TimeSpan VerifyTime { get; set; }
    /// <summary>Spec mode: verifications that resumed after the draft block (shared K/V), and those that recomputed
    /// every block.</summary>
    public int SharedVerifications { get; set; }
    public int FullVerifications { get; set; }

    /// <summary>Whether the model's graph can resume at a later block (llama_jump_decode_from: the llama family).</summary>
    public bool Resumable => _session.Info.Architecture == "llama";

    public GenerationStats Stats(bool spec) =>
        new(Tokens, Blocks, _clock.Elapsed.TotalSeconds, _histogram.ToArray(), Drafted, Accepted, spec)
        {
            DraftSeconds = DraftTime.TotalSeconds,
            VerifySeconds = VerifyTime.TotalSeconds,
            SharedVerifications = SharedVerifications,
            FullVerifications = FullVerifications,
        };

    public void StartClock() => _clock.Start();

    public void StopClock() => _clock.Stop();

    /// <summary>Sets <paramref name="policy"/> on the context unless it is already set.</summary>
    public void Use(ExitPolicy policy)
    {
        if (_policyKnown && policy.Lambda.Equals(_policy.Lambda) && policy.Propagate == _policy.Propagate
            && policy.Levels.SequenceEqual(_policy.Levels))
        {
            return;
        }
        NativeEarlyExit.SetPolicy(Context, policy);
        _policy = policy;
        _policyKnown = true;
    }

    /// <summary>Decodes <paramref name="batch"/>; returns the exit block of each output row.</summary>
    public int[] Decode(LLamaBatch batch, int outputs, bool prompt)
    {
        _threads.BeforeDecode();
        var result = Context.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new InvalidOperationException($"llama_decode failed ({result}) at position {Position}");
        }
        Count(batch, prompt, firstBlock: 0);
        return _policy.Levels.Count > 0 ? NativeEarlyExit.LastLevels(Context, outputs) : Enumerable.Repeat(NLayer - 1, outputs).ToArray();
    }

    /// <summary>Decodes <paramref name="batch"/>, armed by <see cref="NativeEarlyExit.ArmResumedDecode"/> to start at
    /// <paramref name="firstBlock"/>; false when llama.cpp refused it (then the batch's positions are gone from the
    /// cache, and the caller decodes them at full depth).</summary>
    public bool TryDecodeResumed(LLamaBatch batch, int firstBlock)
    {
        _threads.BeforeDecode();
        if (Context.Decode(batch) != DecodeResult.Ok)
            return false;
        Count(batch, prompt: false, firstBlock);
        return true;
    }

    private void Count(LLamaBatch batch, bool prompt, int firstBlock)
    {
        int reached = _policy.Levels.Count > 0 ? NativeEarlyExit.BlocksComputed(Context) : NLayer - firstBlock;
        Blocks += prompt ? Math.Min(reached, NLayer) : (long)reached * batch.TokenCount;
    }

    /// <summary>The token for output row <paramref name="index"/> of the last decode: argmax (greedy) or a sample of
    /// the pipeline (which then records it as accepted).</summary>
    public int Choose(int index) => _pipeline is null
        ? Maximum.IndexOf(Context.NativeHandle.GetLogitsIth(index))
        : (int)_pipeline.Sample(Context.NativeHandle, index);

    public bool IsEnd(int token) => ((LLamaToken)token).IsEndOfGeneration(_session.Weights.Vocab);

    /// <summary>Records an emitted token and returns it with its text.</summary>
    public GeneratedToken Emit(int token, int exitLayer, bool? draftAccepted)
    {
        _text.Add(token);
        _emitted.Add(token);
        Tokens++;
        _histogram[exitLayer]++;
        return new GeneratedToken(token, TokenPiece.Of(_session.Weights, token), _text.Read(), exitLayer, draftAccepted);
    }

    /// <summary>The tokens whose cells sequence 0 holds at full length between steps: the prompt and every emitted
    /// token but the pending one (every emitted token is fed before the next is chosen), up to an exited token still
    /// awaiting recompute (its cell lacks the blocks it skipped).</summary>
    public IEnumerable<int> CellTokens(IReadOnlyList<int> prompt) =>
        prompt.Concat(_emitted).Take(Recompute?.Position ?? Position);

    public void RemoveFrom(int position) =>
        Context.NativeHandle.MemorySequenceRemove(LLamaSeqId.Zero, position, -1);

}
