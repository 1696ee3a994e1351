using LlamaJump.App.Chat;
using LlamaJump.Tui.Chat.Views;
using Terminal.Gui.App;

namespace LlamaJump.Tui.Chat;

/// <summary>
/// The chat on one initialised Terminal.Gui application: the controller, reaching the UI thread through the app's
/// main loop, and the window showing it, with the focus in the input box. The interactive chat and the headless one
/// of <c>bench chat</c> are both this. Create, use and dispose it on the app's UI thread; it owns
/// <paramref name="model"/> from the call on, and disposing frees the window, then the controller and the model.
/// </summary>
public sealed class ChatScreen : IDisposable
{
    public ChatScreen(IApplication app, IChatModel model, IChatModelLoader loader, ModelCatalog catalog, ChatOptions options)
    {
        Controller = new ChatController(model, loader, options, new TerminalChatUi(app));
        Window = new ChatWindow(app, Controller, catalog);
        Window.Input.SetFocus();
    }

    public ChatController Controller { get; }
    public ChatWindow Window { get; }

    public void Dispose()
    {
        Window.Dispose();
        Controller.Dispose();
    }
}
