using System.Collections.Concurrent;
using LlamaJump.App.Chat;
using LlamaJump.Engine;
using LlamaJump.Engine.Generation;
using LlamaJump.Models;
using LlamaJump.Shortcuts.Jumps;

namespace LlamaJump.Tests.Pure.Chat;

/// <summary>A generator that replays a script of tokens. With <see cref="HoldAfter"/> set it blocks after that
/// many tokens until cancelled, like a long reply the user stops.</summary>
internal sealed class ScriptedGenerator(int nLayer, IReadOnlyList<GeneratedToken> script) : ITokenGenerator
{
    private GenerationStats _stats = GenerationStats.Empty(nLayer);

    public int? HoldAfter { get; init; }
    public List<GenerationSettings> SettingsSeen { get; } = [];
    /// <summary>Set when the generator starts holding (<see cref="HoldAfter"/>), and when it has yielded its last token.</summary>
    public ManualResetEventSlim Held { get; } = new();
    public ManualResetEventSlim Finished { get; } = new();
    public GenerationStats Stats => _stats;

    public IEnumerable<GeneratedToken> Continue(IReadOnlyList<int> promptTokens, int maxTokens, GenerationControl control, CancellationToken cancel = default) =>
        Generate(promptTokens, maxTokens, control, cancel);

    public IEnumerable<GeneratedToken> Generate(IReadOnlyList<int> promptTokens, int maxTokens, GenerationControl control, CancellationToken cancel = default)
    {
        var histogram = new int[nLayer];
        int n = 0;
        foreach (var token in script.Take(maxTokens))
        {
            if (HoldAfter == n)
            {
                Held.Set();
                cancel.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
            }
            if (cancel.IsCancellationRequested)
            {
                yield break;
            }
            SettingsSeen.Add(control.Settings);
            if (control.Settings.Mode != GenerationMode.Full)
            {
                throw new InvalidOperationException($"{control.Settings.Mode} needs the early-exit generator");
            }
            histogram[token.ExitLayer]++;
            n++;
            _stats = new GenerationStats(n, histogram.Select((c, k) => (long)c * (k + 1)).Sum(), 0.5, histogram.ToArray());
            yield return token;
        }
        Finished.Set();
    }
}

/// <summary>A model that never touches native code: a made-up description, a scripted generator, prompt tokens
/// that count the turns, and a canned inspector reading.</summary>
internal sealed class FakeChatModel(string path, int nLayer, ITokenGenerator generator, JumpSet? jumps = null) : IChatModel
{
    public ModelInfo Info { get; } = new(path, Path.GetFileName(path), "llama", nLayer, 64, 512, 1 << 20, "F32", 10, true, null);
    public JumpSet? Jumps => jumps;
    public string? JumpsPath => jumps is null ? null : "fake-jumps.gguf";
    public string? JumpsProblem => jumps is null ? "no jump file for the fake" : null;
    public ITokenGenerator Generator => generator;
    public Conversation Conversation { get; } = new(generator, 4096);
    public bool Disposed { get; private set; }

    public IReadOnlyList<int> PromptTokens(IReadOnlyList<ChatTurn> history, string user, int replyRoom) => [1, history.Count + 2];

    public TokenTrajectory Inspect(IReadOnlyList<int> prefix, int token) => new(token, "tok",
        Enumerable.Range(0, nLayer).Select(k => new LevelReading(k, new TokenGuess(k < 2 ? 99 : token, k < 2 ? "other" : "tok", 0.5), null, 1.25)).ToList());

    public void Dispose() => Disposed = true;
}

/// <summary>Hands out prepared models by path; a path it does not know fails to load with a message.</summary>
internal sealed class FakeLoader : IChatModelLoader
{
    public Dictionary<string, Func<IChatModel>> Models { get; } = [];
    public List<string> Loaded { get; } = [];

    public IChatModel Load(string modelPath, string? jumpsPath)
    {
        Loaded.Add(modelPath);
        return Models.TryGetValue(modelPath, out var make) ? make() : throw new InvalidOperationException($"llama.cpp could not load {Path.GetFileName(modelPath)}: fake failure");
    }
}

/// <summary>The UI thread as the test drives it: posts queue up until the test drains them; every drain then runs each
/// running ticker once (time does not pass on its own: a drain stands for one frame of the UI loop).</summary>
internal sealed class ManualDispatcher : IChatUi
{
    private readonly ConcurrentQueue<Action> _queue = new();
    private readonly List<Func<bool>> _tickers = [];
    private int _posted;

    public void Post(Action action)
    {
        Interlocked.Increment(ref _posted);
        _queue.Enqueue(action);
    }

    public void Every(TimeSpan interval, Func<bool> tick)
    {
        Intervals.Add(interval);
        _tickers.Add(tick);
    }

    /// <summary>The test draws when it renders; this counts the controller's asks and runs <see cref="OnDraw"/>.</summary>
    public void Draw()
    {
        Draws++;
        OnDraw?.Invoke();
    }

    public int Draws { get; private set; }
    public Action? OnDraw { get; set; }

    /// <summary>How many actions were ever posted (from any thread).</summary>
    public int Posted => Volatile.Read(ref _posted);

    /// <summary>The interval of every ticker ever started, and how many still run.</summary>
    public List<TimeSpan> Intervals { get; } = [];
    public int RunningTickers => _tickers.Count;

    public int Drain()
    {
        int n = 0;
        while (_queue.TryDequeue(out var action))
        {
            action();
            n++;
        }
        foreach (var tick in _tickers.ToList())
        {
            if (!tick())
            {
                _tickers.Remove(tick);
            }
        }
        return n;
    }

    public bool IsEmpty => _queue.IsEmpty;
}

internal static class Tokens
{
    public static GeneratedToken At(int exitLayer, string text, bool? accepted = null) => new(text.Length + exitLayer, text, text, exitLayer, accepted);
}
