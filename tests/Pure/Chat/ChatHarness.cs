using LlamaJump.App.Chat;
using LlamaJump.Engine.Generation;
using LlamaJump.Models;
using LlamaJump.Tests.Pure.Models;
using LlamaJump.Tui.Chat.Views;
using Terminal.Gui.App;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using Terminal.Gui.Time;

namespace LlamaJump.Tests.Pure.Chat;

/// <summary>
/// The chat window on Terminal.Gui's ANSI driver without a terminal: a screen of the given size, keys injected as a
/// user types them, the controller's posts and tickers run on the test thread (standing in for the UI loop), a fake model
/// and a model catalog over a temporary directory (<see cref="Home"/>/models/gguf).
/// </summary>
internal sealed class ChatHarness : IDisposable
{
    private readonly IApplication _app;
    private readonly SessionToken? _session;

    public ChatHarness(ITokenGenerator generator, int nLayer = 5, int cols = 100, int rows = 30, ChatOptions? options = null,
        global::LlamaJump.Shortcuts.Jumps.JumpSet? jumps = null)
    {
        Temp = new TempDirectory();
        Temp.Dir("models/gguf");
        Model = new FakeChatModel(Path.Combine(Temp.Root, "models", "gguf", "fake.gguf"), nLayer, generator, jumps);
        _app = Application.Create(new VirtualTimeProvider());
        _app.Init(DriverRegistry.Names.ANSI);
        _app.Driver!.SetScreenSize(cols, rows);
        Chat = new ChatController(Model, Loader, options ?? new ChatOptions("fake.gguf", null, GenerationMode.Full, 0.9f), Dispatcher);
        var catalog = new ModelCatalog(new ModelResolver(Temp.Root, null, Temp.Root), new ChatJumps());
        Window = new ChatWindow(_app, Chat, catalog);
        _session = _app.Begin(Window);
        Window.Input.SetFocus();
        Render();
    }

    public TempDirectory Temp { get; }
    public string Home => Temp.Root;
    public FakeChatModel Model { get; }
    public FakeLoader Loader { get; } = new();
    public ManualDispatcher Dispatcher { get; } = new();
    public ChatController Chat { get; }
    public ChatWindow Window { get; }
    public IApplication App => _app;

    /// <summary>The screen as text, one line per row.</summary>
    public string Screen
    {
        get
        {
            Render();
            return _app.Driver!.ToString() ?? "";
        }
    }

    public void Render()
    {
        Dispatcher.Drain();
        _app.LayoutAndDraw(true);
    }

    public void Press(params Key[] keys)
    {
        foreach (var key in keys)
        {
            _app.InjectKey(key);
        }
        Render();
    }

    public void Type(string text)
    {
        foreach (char c in text)
        {
            _app.InjectKey(new Key(c));
        }
        Render();
    }

    /// <summary>Drains posts until <paramref name="condition"/> holds (10 s at most, then fails).</summary>
    public void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            Dispatcher.Drain();
            if (condition())
            {
                Render();
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"waited 10 s for {what}; message: {Chat.Message}");
            }
            Thread.Sleep(5);
        }
    }

    /// <summary>Types <paramref name="prompt"/>, presses Enter and waits for the reply to end.</summary>
    public void Ask(string prompt)
    {
        Type(prompt);
        Press(Key.Enter);
        WaitFor(() => !Chat.Generating, "the reply to end");
    }

    /// <summary>The foreground colour of the first cell where <paramref name="text"/> appears on screen.</summary>
    public Terminal.Gui.Drawing.Attribute AttributeAt(string text)
    {
        Render();
        var contents = _app.Driver!.Contents!;
        int rows = contents.GetLength(0), cols = contents.GetLength(1);
        for (int r = 0; r < rows; r++)
        {
            var line = string.Concat(Enumerable.Range(0, cols).Select(c => contents[r, c].Grapheme ?? " "));
            int at = line.IndexOf(text, StringComparison.Ordinal);
            if (at >= 0)
            {
                return contents[r, at].Attribute ?? default;
            }
        }
        throw new InvalidOperationException($"'{text}' is not on screen:\n{_app.Driver.ToString()}");
    }

    public void Dispose()
    {
        if (_session is not null)
        {
            _app.End(_session);
        }
        Window.Dispose();
        Chat.Dispose();
        _app.Dispose();
        Temp.Dispose();
    }
}
