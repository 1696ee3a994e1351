using System.Collections.ObjectModel;
using LlamaJump.App.Chat;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace LlamaJump.Tui.Chat.Views;

/// <summary>
/// The model switcher, drawn over the chat: every GGUF the catalog lists, with architecture, blocks × width, size
/// and whether a jump file exists. The list is read afresh each time it opens. Enter loads the selected model
/// through the controller (which keeps the current one when that fails); Esc closes.
/// </summary>
public sealed class ModelSwitcherView : FrameView
{
    private readonly ModelCatalog _catalog;
    private readonly ChatController _chat;
    private readonly ListView _list = new() { X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill() };
    private IReadOnlyList<ModelChoice> _choices = [];

    public ModelSwitcherView(ModelCatalog catalog, ChatController chat)
    {
        _catalog = catalog;
        _chat = chat;
        Title = "Models (Enter: load, Esc: close)";
        Visible = false;
        CanFocus = true;
        Add(_list);
        _list.KeyDown += (_, key) =>
        {
            if (key == Key.Enter)
            {
                key.Handled = true;
                Choose();
            }
        };
    }

    public IReadOnlyList<ModelChoice> Choices => _choices;

    /// <summary>Reads the model list and shows it with the current model selected.</summary>
    public void Open()
    {
        _choices = _catalog.List();
        var lines = _choices.Count == 0
            ? ["no GGUF files found: put models in models/gguf or set LLAMAJUMP_MODELS"]
            : _choices.Select(c => (c.Info?.Path == _chat.Model?.Info.Path ? "* " : "  ") + c.Describe());
        _list.SetSource(new ObservableCollection<string>(lines));
        int current = _choices.ToList().FindIndex(c => c.Path == _chat.Model?.Info.Path);
        _list.SelectedItem = Math.Max(0, current);
        Visible = true;
        _list.SetFocus();
        SetNeedsDraw();
    }

    /// <summary>Raised when the switcher closes, so the window can give the focus back.</summary>
    public event Action? Closed;

    public void Close()
    {
        Visible = false;
        SuperView?.SetNeedsDraw();
        Closed?.Invoke();
    }

    private void Choose()
    {
        int index = _list.SelectedItem ?? -1;
        if (index < 0 || index >= _choices.Count)
        {
            return;
        }
        Close();
        _chat.SwapModel(_choices[index].Path);
    }
}
