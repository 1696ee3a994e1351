using LlamaJump.App.Chat;
using LlamaJump.Engine.Generation;
using LlamaJump.Tui.Chat;
using LlamaJump.Tui.Chat.Views;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;

namespace LlamaJump.Tui.Bench;

/// <summary>How one reply of the headless chat ended: its tokens, the generator's counters as the chat showed them,
/// the chat's message line (<c>N tokens, X tokens/s</c> after a finished reply) and the reply's text.</summary>
public sealed record ChatReply(int Tokens, GenerationStats Stats, string StatusLine, string Text);

/// <summary>
/// The real chat — <see cref="ChatScreen"/> in Terminal.Gui's own main loop (<see cref="IApplication.Run"/>) — without
/// a terminal: the ANSI driver draws into its buffer on a 100×30 virtual screen, and reads and writes no terminal
/// (Terminal.Gui's <c>DisableRealDriverIO</c>), so a benchmark's own output stays readable. The main loop runs on a
/// thread of its own, as the UI thread; <see cref="Ask"/> types on it as a user would. Owns the model from the call on;
/// disposing ends the loop and frees the model.
/// </summary>
public sealed class HeadlessChat : IDisposable
{
    public const int Columns = 100;
    public const int Rows = 30;

    private readonly Thread _ui;
    private readonly ManualResetEventSlim _ready = new();
    private readonly ManualResetEventSlim _replied = new();
    private IApplication? _app;
    private ChatScreen? _screen;
    private Exception? _failure;
    private bool _waiting;
    private ChatReply? _reply;

    public HeadlessChat(IChatModel model, IChatModelLoader loader, ModelCatalog catalog, ChatOptions options)
    {
        // Terminal.Gui's documented switch: no raw mode, no alternate screen, no output, whatever stdin/stdout are.
        // Process-wide, which the one-shot bench process may set; the interactive chat never does.
        Environment.SetEnvironmentVariable("DisableRealDriverIO", "1");
        _ui = new Thread(() => RunLoop(model, loader, catalog, options)) { IsBackground = true, Name = "llamajump bench chat UI" };
        _ui.Start();
        _ready.Wait();
        if (_failure is not null)
        {
            _ui.Join();
            throw new InvalidOperationException($"the headless chat did not start: {_failure.Message}", _failure);
        }
    }

    private void RunLoop(IChatModel model, IChatModelLoader loader, ModelCatalog catalog, ChatOptions options)
    {
        try
        {
            using IApplication app = Application.Create();
            app.Init(DriverRegistry.Names.ANSI);
            app.Driver!.SetScreenSize(Columns, Rows);
            using var screen = new ChatScreen(app, model, loader, catalog, options);
            screen.Controller.Changed += OnChanged;
            _app = app;
            _screen = screen;
            app.Iteration += Started;
            app.Run(screen.Window);
        }
        catch (Exception e)
        {
            _failure = e;
        }
        finally
        {
            if (_screen is null)
            {
                model.Dispose(); // the screen, which owns it, was never made
            }
            _ready.Set();
            _replied.Set(); // a loop that ended leaves nobody waiting for a reply
        }
    }

    /// <summary>The first main-loop iteration: the window is up and keys reach it.</summary>
    private void Started(object? sender, EventArgs e)
    {
        _app!.Iteration -= Started;
        _ready.Set();
    }

    /// <summary>Clears the conversation (F8), types <paramref name="prompt"/> and Enter, and waits until the reply has
    /// ended (it ran to its token limit or the end of generation). On <paramref name="cancel"/> it stops the reply (Esc)
    /// and returns what it had.</summary>
    public ChatReply Ask(string prompt, CancellationToken cancel)
    {
        _replied.Reset();
        _reply = null;
        OnUi(() =>
        {
            var keyboard = _app!.Keyboard;
            keyboard.RaiseKeyDownEvent(ChatKeys.Clear);
            foreach (char c in prompt)
            {
                keyboard.RaiseKeyDownEvent(new Key(c));
            }
            _waiting = true;
            keyboard.RaiseKeyDownEvent(Key.Enter);
        });
        if (WaitHandle.WaitAny([_replied.WaitHandle, cancel.WaitHandle]) == 1)
        {
            OnUi(() => _app!.Keyboard.RaiseKeyDownEvent(ChatKeys.Stop));
            _replied.Wait();
        }
        return _reply ?? throw new InvalidOperationException($"the headless chat ended without a reply: {_failure?.Message}", _failure);
    }

    /// <summary>On the UI thread, after every change: the reply asked for has ended.</summary>
    private void OnChanged()
    {
        var chat = _screen!.Controller;
        if (_waiting && !chat.Generating && chat.Turns is [.., { State: not TurnState.Streaming } last])
        {
            _waiting = false;
            _reply = new ChatReply(last.Reply.Count, chat.ReplyStats ?? GenerationStats.Empty(last.NLayer), chat.Message, last.ReplyText);
            _replied.Set();
        }
    }

    /// <summary>Runs <paramref name="action"/> on the UI thread and waits for it.</summary>
    private void OnUi(Action action)
    {
        if (_failure is not null || !_ui.IsAlive)
        {
            throw new InvalidOperationException($"the headless chat has ended: {_failure?.Message}", _failure);
        }
        using var done = new ManualResetEventSlim();
        Exception? failure = null;
        _app!.Invoke(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                done.Set();
            }
        });
        while (!done.Wait(TimeSpan.FromMilliseconds(100)))
        {
            if (!_ui.IsAlive)
            {
                throw new InvalidOperationException($"the headless chat has ended: {_failure?.Message}", _failure);
            }
        }
        if (failure is not null)
        {
            throw new InvalidOperationException($"the headless chat failed: {failure.Message}", failure);
        }
    }

    public void Dispose()
    {
        if (_app is { } app && _ui.IsAlive)
        {
            app.Invoke(() => app.RequestStop());
        }
        _ui.Join();
        _ready.Dispose();
        _replied.Dispose();
    }
}
