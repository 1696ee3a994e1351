using LlamaJump.App.Chat;
using Terminal.Gui.Input;

namespace LlamaJump.Tui.Chat.Views;

/// <summary>The chat's keys, in one place: the window acts on them and the status bar shows them.</summary>
public static class ChatKeys
{
    public static readonly Key LambdaDown = Key.F2;
    public static readonly Key LambdaUp = Key.F3;
    public static readonly Key Mode = Key.F4;
    public static readonly Key Models = Key.F5;
    public static readonly Key Clear = Key.F8;
    /// <summary>Moves the focus to the transcript and selects the last token (then ←/→, Enter inspects).</summary>
    public static readonly Key Pick = Key.F6;
    /// <summary>Stops the reply being generated; closes the model switcher when it is open.</summary>
    public static readonly Key Stop = Key.Esc;
    /// <summary>Also stops a reply: in the chat's raw terminal mode Ctrl-C arrives as a key, not a signal.</summary>
    public static readonly Key Interrupt = Key.C.WithCtrl;
    public static readonly Key Quit = Key.Q.WithCtrl;
}
