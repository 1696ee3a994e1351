using LlamaJump.App.Chat;
using Terminal.Gui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace LlamaJump.Tui.Chat.Views;

/// <summary>
/// The chat screen: the transcript (left), the live stats and the token inspector (a side panel when the terminal is
/// at least <see cref="WideColumns"/> wide, else a one-line summary), the last message, the input box and the status
/// bar with the keys (<see cref="ChatKeys"/>). Every controller change redraws what shows changed state (see
/// <see cref="Refresh"/>); keys the focused view does not use land in <see cref="OnKeyDown"/>.
/// </summary>
public sealed class ChatWindow : Window
{
    public const int WideColumns = 72;
    private const int SideWidth = 32;

    private readonly IApplication _app;
    private readonly ChatController _chat;
    private readonly FrameView _side;
    private readonly LinesView _stats;
    private readonly LinesView _inspector;
    private readonly Label _compact;
    private readonly Label _message;
    private bool? _wide;
    private int _statsRows;
    private (TokenTrajectory? Inspection, IChatModel? Model) _inspected;

    public ChatWindow(IApplication app, ChatController chat, ModelCatalog catalog)
    {
        _app = app;
        _chat = chat;
        Transcript = new TranscriptView(chat) { X = 0, Y = 0, Width = Dim.Fill(SideWidth), Height = Dim.Fill(3) };
        _side = new FrameView { Title = "Exits", X = Pos.AnchorEnd(SideWidth), Y = 0, Width = SideWidth, Height = Dim.Fill(3) };
        _stats = new LinesView(width => StatsLines.Build(chat, width))
        {
            X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Func(_ => StatsLines.Build(chat, SideWidth).Count),
        };
        var inspector = new FrameView { Title = "Inspector", X = 0, Y = Pos.Bottom(_stats), Width = Dim.Fill(), Height = Dim.Fill() };
        _inspector = new LinesView(_ => InspectorLines.Build(chat.Inspection, chat.Model?.Info.BlockCount ?? 1)) { Width = Dim.Fill(), Height = Dim.Fill() };
        inspector.Add(_inspector);
        _side.Add(_stats, inspector);
        _compact = new Label { X = 0, Y = Pos.AnchorEnd(4), Width = Dim.Fill(), Height = 1, Visible = false };
        _message = new Label { X = 0, Y = Pos.AnchorEnd(3), Width = Dim.Fill(), Height = 1 };
        Input = new TextField { X = 2, Y = Pos.AnchorEnd(2), Width = Dim.Fill() };
        Input.KeyDown += (_, key) =>
        {
            if (key == Key.Enter)
            {
                key.Handled = true;
                string text = Input.Text;
                if (!_chat.Generating && !_chat.Loading && _chat.Model is not null)
                {
                    Input.Text = "";
                }
                _chat.Send(text);
            }
        };
        Switcher = new ModelSwitcherView(catalog, chat) { X = Pos.Center(), Y = Pos.Center(), Width = Dim.Percent(90), Height = Dim.Percent(70) };
        var status = new StatusBar(
        [
            new Shortcut(ChatKeys.LambdaDown, "λ-", () => Act(ChatKeys.LambdaDown)),
            new Shortcut(ChatKeys.LambdaUp, "λ+", () => Act(ChatKeys.LambdaUp)),
            new Shortcut(ChatKeys.Mode, "mode", () => Act(ChatKeys.Mode)),
            new Shortcut(ChatKeys.Models, "models", () => Act(ChatKeys.Models)),
            new Shortcut(ChatKeys.Stop, "stop", () => Act(ChatKeys.Stop)),
            new Shortcut(ChatKeys.Clear, "clear", () => Act(ChatKeys.Clear)),
            new Shortcut(ChatKeys.Quit, "quit", () => Act(ChatKeys.Quit)),
            new Shortcut(ChatKeys.Pick, "inspect", () => Act(ChatKeys.Pick)),
        ]);
        Add(Transcript, _side, _compact, _message, new Label { Text = ">", X = 0, Y = Pos.AnchorEnd(2) }, Input, status, Switcher);
        Switcher.Closed += () => Input.SetFocus();
        FrameChanged += (_, _) => Arrange();
        chat.Changed += Refresh;
        Refresh();
    }

    public TranscriptView Transcript { get; }
    public TextField Input { get; }
    public ModelSwitcherView Switcher { get; }

    /// <summary>Side panel or one-line summary, by width.</summary>
    private void Arrange()
    {
        bool wide = Viewport.Width >= WideColumns;
        if (_wide == wide)
        {
            return;
        }
        _wide = wide;
        _side.Visible = wide;
        _compact.Visible = !wide;
        Transcript.Width = wide ? Dim.Fill(SideWidth) : Dim.Fill();
        Transcript.Height = wide ? Dim.Fill(3) : Dim.Fill(4);
    }

    /// <summary>After a controller change, marks for drawing only what shows changed state: the transcript and the live
    /// stats always; the title, the message, the one-line summary, the inspector (and the stats' layout, when their
    /// line count changed) only when theirs changed; the model switcher when it is open above them. A Terminal.Gui
    /// redraw costs milliseconds per view, so a streaming reply's frame redraws two views, not the window.</summary>
    private void Refresh()
    {
        string title = _chat.Model is { } model ? $"llamajump chat: {model.Info.FileName}" : "llamajump chat";
        if (Title != title)
        {
            Title = title;
        }
        Show(_message, _chat.Message);
        Show(_compact, StatsLines.Compact(_chat));
        if (_chat.Turns.Count == 0)
        {
            Transcript.Reset();
        }
        Transcript.SetNeedsDraw();
        int rows = StatsLines.Build(_chat, SideWidth).Count;
        if (rows != _statsRows)
        {
            _statsRows = rows;
            _stats.SetNeedsLayout();
        }
        _stats.SetNeedsDraw();
        if (_inspected != (_chat.Inspection, _chat.Model))
        {
            _inspected = (_chat.Inspection, _chat.Model);
            _inspector.SetNeedsDraw();
        }
        if (Switcher.Visible)
        {
            Switcher.SetNeedsDraw();
        }
    }

    private static void Show(View label, string text)
    {
        if (label.Text != text)
        {
            label.Text = text;
        }
    }

    protected override bool OnKeyDown(Key key) => Act(key) || base.OnKeyDown(key);

    /// <summary>Does what <paramref name="key"/> means in the chat; false for keys it does not use.</summary>
    public bool Act(Key key)
    {
        if (key == ChatKeys.Stop || key == ChatKeys.Interrupt)
        {
            if (Switcher.Visible)
            {
                Switcher.Close();
            }
            else if (Transcript.HasFocus && !_chat.Generating)
            {
                Input.SetFocus();
            }
            else if (!_chat.Stop() && key == ChatKeys.Interrupt)
            {
                _message.Text = "nothing to stop (Ctrl-Q quits)";
            }
            return true;
        }
        if (key == ChatKeys.LambdaDown || key == ChatKeys.LambdaUp)
        {
            _chat.ChangeLambda(key == ChatKeys.LambdaUp ? 1 : -1);
            return true;
        }
        if (key == ChatKeys.Mode)
        {
            _chat.CycleMode();
            return true;
        }
        if (key == ChatKeys.Models)
        {
            Switcher.Open();
            return true;
        }
        if (key == ChatKeys.Pick)
        {
            Transcript.SetFocus();
            Transcript.MoveSelection(0);
            return true;
        }
        if (key == ChatKeys.Clear)
        {
            _chat.Clear();
            return true;
        }
        if (key == ChatKeys.Quit)
        {
            _app.RequestStop();
            return true;
        }
        return false;
    }
}
