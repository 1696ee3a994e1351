using System.Globalization;
using LlamaJump.Engine.Generation;
using LlamaJump.Models;

namespace LlamaJump.App.Chat;

/// <summary>
/// The chat's state and everything the keys do: send, stop, clear, λ up/down, switch mode, swap model, inspect a
/// token. Methods and <see cref="Changed"/> belong to the UI thread; native work goes to a <see cref="NativeWorkQueue"/>
/// and its results come back through <paramref name="ui"/>, so state is only ever touched on the UI thread. Settings
/// changes go to the running generation through <see cref="GenerationControl"/> and apply from the next token.
/// A streaming reply's tokens do not come one post each: the worker appends them to a <see cref="ReplyBuffer"/> and
/// goes on generating, and the UI thread takes them in batches — a tick at most every <see cref="FlushInterval"/>
/// (<see cref="IChatUi.Every"/>) and once more when the reply ends — raising <see cref="Changed"/> once per batch: the
/// UI's work is one redraw per batch, whatever the token rate, and generation never waits for the UI.
/// </summary>
public sealed class ChatController : IDisposable
{
    private readonly IChatModelLoader _loader;
    private readonly ChatOptions _options;
    private readonly IChatUi _ui;
    private readonly NativeWorkQueue _worker;
    private readonly GenerationControl _control;
    private readonly List<ChatTurn> _turns = [];
    private CancellationTokenSource? _cancel;
    private ReplyBuffer? _streaming;

    /// <summary>How often, at most, a streaming reply's new tokens reach the screen: every 40 ms, Terminal.Gui's own
    /// frame time (its main loop runs at most 25 iterations a second), and less often when frames are costly
    /// (<see cref="FramePacing"/>).</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(40);

    public ChatController(IChatModel model, IChatModelLoader loader, ChatOptions options, IChatUi ui)
    {
        _loader = loader;
        _options = options;
        _ui = ui;
        _worker = new NativeWorkQueue(e => Post(() => Message = $"error: {e.Message}"));
        // spec mode drafts gated, as generate's does by default
        _control = new GenerationControl(new GenerationSettings(GenerationMode.Full, options.Lambda,
            DraftThreshold: LlamaJump.App.Generate.GenerateOptions.DefaultDraftThreshold));
        Model = model;
        ReplyCounts = new ExitCounts(model.Info.BlockCount);
        SessionCounts = new ExitCounts(model.Info.BlockCount);
        Message = model.JumpsProblem ?? $"jumps: {Path.GetFileName(model.JumpsPath)}";
        if (options.Mode != GenerationMode.Full)
        {
            SetMode(options.Mode);
        }
    }

    /// <summary>Raised on the UI thread after any state change.</summary>
    public event Action? Changed;

    /// <summary>The model in use; null only after a failed swap that could not bring the previous model back.</summary>
    public IChatModel? Model { get; private set; }
    public IReadOnlyList<ChatTurn> Turns => _turns;
    public GenerationSettings Settings => _control.Settings;
    /// <summary>Exits of the current (or last) reply, and of every reply since the model was loaded.</summary>
    public ExitCounts ReplyCounts { get; private set; }
    public ExitCounts SessionCounts { get; private set; }
    /// <summary>The generator's counters for the current or last reply (blocks per token, tokens/s, acceptance).</summary>
    public GenerationStats? ReplyStats { get; private set; }
    public bool Generating { get; private set; }
    public bool Loading { get; private set; }
    /// <summary>The last thing the chat has to tell the user (one line).</summary>
    public string Message { get; private set; }
    public TokenTrajectory? Inspection { get; private set; }

    public void Send(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }
        if (Generating || Loading || Model is not { } model)
        {
            Say(Model is null ? "no model loaded: open the model switcher (F5)" : "busy: wait, or stop the reply (Esc)");
            return;
        }
        var turn = new ChatTurn(text, model.Info.FileName, model.Info.BlockCount);
        var history = _turns.ToList();
        _turns.Add(turn);
        ReplyCounts = new ExitCounts(model.Info.BlockCount);
        ReplyStats = null;
        Generating = true;
        var cancel = new CancellationTokenSource();
        _cancel = cancel;
        var buffer = new ReplyBuffer();
        _streaming = buffer;
        Message = "generating… (Esc stops)";
        Changed?.Invoke();
        _ui.Draw(); // the user's turn is on screen before the reply starts: this frame never competes with generation
        _ui.Every(FlushInterval, () => Flush(turn, buffer));
        _worker.Enqueue(() => Generate(model, turn, buffer, history, text, cancel));
    }

    /// <summary>Worker thread: the reply's tokens go to <paramref name="buffer"/>; only the prompt and the end are
    /// posted.</summary>
    private void Generate(IChatModel model, ChatTurn turn, ReplyBuffer buffer, List<ChatTurn> history, string text, CancellationTokenSource cancel)
    {
        try
        {
            var prompt = model.PromptTokens(history, text, _options.MaxReplyTokens);
            Post(() => turn.PromptTokens = prompt);
            // the conversation keeps the K/V of the prompt's prefix from the last reply: only the new turn is decoded
            foreach (var token in model.Conversation.Continue(prompt, _options.MaxReplyTokens, _control, cancel.Token))
            {
                buffer.Add(token, model.Generator.Stats);
            }
            var final = model.Generator.Stats;
            Post(() => EndReply(turn, buffer, cancel.IsCancellationRequested ? TurnState.Stopped : TurnState.Finished, null, final));
        }
        catch (InvalidOperationException e) when (_control.Settings.Mode != GenerationMode.Full)
        {
            Post(() =>
            {
                _control.Settings = _control.Settings with { Mode = GenerationMode.Full };
                EndReply(turn, buffer, TurnState.Failed, $"{e.Message}; back to full mode", model.Generator.Stats);
            });
        }
        catch (Exception e)
        {
            Post(() => EndReply(turn, buffer, TurnState.Failed, $"generation failed: {e.Message}", model.Generator.Stats));
        }
        finally
        {
            cancel.Dispose();
        }
    }

    /// <summary>UI thread, every <see cref="FlushInterval"/> while <paramref name="buffer"/> streams: shows the tokens
    /// that arrived since the last batch (one <see cref="Changed"/>, none when nothing arrived). False once the reply
    /// has ended, which ends the ticks.</summary>
    private bool Flush(ChatTurn turn, ReplyBuffer buffer)
    {
        if (!ReferenceEquals(_streaming, buffer))
        {
            return false;
        }
        if (TakeTokens(turn, buffer))
        {
            Changed?.Invoke();
        }
        return true;
    }

    /// <summary>Moves what <paramref name="buffer"/> holds into <paramref name="turn"/> and the exit counts (the counts
    /// only while the turn is still in the conversation: a cleared one no longer counts). Whether anything came.</summary>
    private bool TakeTokens(ChatTurn turn, ReplyBuffer buffer)
    {
        var (tokens, stats) = buffer.Take();
        if (tokens.Count == 0)
        {
            return false;
        }
        turn.Add(tokens);
        if (_turns.Count > 0 && ReferenceEquals(_turns[^1], turn))
        {
            foreach (var token in tokens)
            {
                ReplyCounts.Add(token.ExitLayer);
                SessionCounts.Add(token.ExitLayer);
            }
            ReplyStats = stats;
        }
        return true;
    }

    /// <summary>UI thread: the last batch of the reply, then its end state.</summary>
    private void EndReply(ChatTurn turn, ReplyBuffer buffer, TurnState state, string? note, GenerationStats stats)
    {
        TakeTokens(turn, buffer);
        if (ReferenceEquals(_streaming, buffer))
        {
            _streaming = null;
        }
        turn.State = state;
        turn.Note = note;
        ReplyStats = stats;
        Generating = false;
        _cancel = null;
        Message = note ?? (state == TurnState.Stopped ? "stopped" : string.Create(CultureInfo.InvariantCulture,
            $"{turn.Reply.Count} tokens, {stats.TokensPerSecond:0} tokens/s"));
    }

    /// <summary>Stops the reply being generated (it keeps the tokens it has). Returns whether one was running.</summary>
    public bool Stop()
    {
        if (!Generating)
        {
            return false;
        }
        try
        {
            _cancel?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the reply has just ended
        }
        Say("stopping…");
        return true;
    }

    /// <summary>Forgets the conversation and the reply counts (the model stays); stops a running reply first.</summary>
    public void Clear()
    {
        Stop();
        _turns.Clear();
        if (Model is { } model)
        {
            _worker.Enqueue(model.Conversation.Clear); // after the stopped reply: the conversation is the worker's
        }
        ReplyCounts.Clear();
        SessionCounts.Clear();
        ReplyStats = null;
        Inspection = null;
        Say("conversation cleared");
    }

    /// <summary>Moves λ by <paramref name="steps"/> × <see cref="ChatOptions.LambdaStep"/>, within bounds.</summary>
    public void ChangeLambda(int steps)
    {
        float lambda = Math.Clamp(MathF.Round((_control.Settings.Lambda + steps * ChatOptions.LambdaStep) * 100) / 100,
            ChatOptions.LambdaMin, ChatOptions.LambdaMax);
        _control.Settings = _control.Settings with { Lambda = lambda };
        Say(string.Create(CultureInfo.InvariantCulture, $"λ = {lambda:0.00}{(lambda > 1 ? " (never exit)" : "")}"));
    }

    /// <summary>full → exit → spec → full; modes that need jumps are refused with a message when there are none.</summary>
    public void CycleMode() => SetMode(_control.Settings.Mode switch
    {
        GenerationMode.Full => GenerationMode.Exit,
        GenerationMode.Exit => GenerationMode.Spec,
        _ => GenerationMode.Full,
    });

    public void SetMode(GenerationMode mode)
    {
        if (mode != GenerationMode.Full && Model?.Jumps is null)
        {
            _control.Settings = _control.Settings with { Mode = GenerationMode.Full };
            Say($"{mode.ToString().ToLowerInvariant()} mode needs jumps; staying in full. {Model?.JumpsProblem}");
            return;
        }
        _control.Settings = _control.Settings with { Mode = mode };
        // exit mode's fill falls back to recompute where the backend cannot propagate; the mode's line says so
        string? recompute = mode == GenerationMode.Exit && Model?.Generator is EarlyExitGenerator { PropagationUnavailable: { } why }
            ? $"; {why}, so skipped blocks are recomputed"
            : null;
        Say($"mode {mode.ToString().ToLowerInvariant()} (from the next token){recompute}");
    }

    /// <summary>Unloads the current model (freeing its memory) and loads <paramref name="path"/> with its jump file.
    /// A file that is not a readable model is refused before anything is unloaded; a load that fails after that
    /// brings the previous model back. Either way the message says why.</summary>
    public void SwapModel(string path)
    {
        if (Loading)
        {
            Say("already loading a model");
            return;
        }
        Stop();
        var previous = Model;
        Loading = true;
        Say($"loading {Path.GetFileName(path)}…");
        _worker.Enqueue(() => Swap(previous, path));
    }

    private void Swap(IChatModel? previous, string path)
    {
        string name = Path.GetFileName(path);
        string keep = previous is null ? "" : $"; still using {previous.Info.FileName}";
        try
        {
            var info = ModelInfo.Read(path);
            if (!info.HasTensors)
            {
                throw new InvalidDataException($"{name} holds no tensors (a vocabulary-only file cannot run)");
            }
        }
        catch (Exception e)
        {
            Post(() => EndSwap(previous, $"cannot load {name}: {e.Message}{keep}"));
            return;
        }
        previous?.Dispose();
        try
        {
            var loaded = _loader.Load(path, null);
            Post(() => EndSwap(loaded, $"loaded {loaded.Info.FileName}. {loaded.JumpsProblem ?? $"jumps: {Path.GetFileName(loaded.JumpsPath)}"}"));
        }
        catch (Exception e) when (previous is not null)
        {
            string why = $"could not load {name}: {e.Message}";
            try
            {
                var back = _loader.Load(previous.Info.Path, previous.JumpsPath);
                Post(() => EndSwap(back, $"{why}; back to {back.Info.FileName}"));
            }
            catch (Exception again)
            {
                Post(() => EndSwap(null, $"{why}; reloading {previous.Info.FileName} failed too: {again.Message}"));
            }
        }
    }

    private void EndSwap(IChatModel? model, string message)
    {
        Loading = false;
        if (!ReferenceEquals(model, Model))
        {
            Model = model;
            int nLayer = model?.Info.BlockCount ?? 1;
            ReplyCounts = new ExitCounts(nLayer);
            SessionCounts = new ExitCounts(nLayer);
            ReplyStats = null;
            Inspection = null;
            if (_control.Settings.Mode != GenerationMode.Full && model?.Jumps is null)
            {
                _control.Settings = _control.Settings with { Mode = GenerationMode.Full };
                message += "; full mode (no jumps)";
            }
        }
        Message = message;
    }

    /// <summary>Computes the trajectory of token <paramref name="index"/> of <paramref name="turn"/>'s reply (after
    /// any reply being generated).</summary>
    public void Inspect(ChatTurn turn, int index)
    {
        if (Loading)
        {
            Say("loading a model: inspect after it is loaded");
            return;
        }
        if (Model is not { } model || turn.Model != model.Info.FileName)
        {
            Say($"that token came from {turn.Model}; load it again to inspect it");
            return;
        }
        if (index < 0 || index >= turn.Reply.Count || turn.PromptTokens.Count == 0)
        {
            return;
        }
        var prefix = turn.PromptTokens.Concat(turn.Reply.Take(index).Select(t => t.Id)).ToList();
        int token = turn.Reply[index].Id;
        Say($"inspecting token {index + 1}…");
        _worker.Enqueue(() =>
        {
            var trajectory = model.Inspect(prefix, token);
            Post(() =>
            {
                if (ReferenceEquals(Model, model))
                {
                    Inspection = trajectory;
                    Message = $"token {index + 1} '{Printable(trajectory.Text)}': the model settled at block {trajectory.DecidedAt}";
                }
            });
        });
    }

    /// <summary>A token's text for one line: control characters as ⏎ and · .</summary>
    public static string Printable(string text) =>
        string.Concat(text.Select(c => c switch { '\n' => '⏎', '\r' => '⏎', _ when char.IsControl(c) => '·', _ => c }));

    private void Say(string message)
    {
        Message = message;
        Changed?.Invoke();
    }

    private void Post(Action action) => _ui.Post(() =>
    {
        action();
        Changed?.Invoke();
    });

    /// <summary>Stops generation, waits for the worker and frees the model.</summary>
    public void Dispose()
    {
        try
        {
            _cancel?.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        _worker.Dispose();
        Model?.Dispose();
    }
}
