using System.Globalization;

namespace LlamaJump.Interop;

/// <summary>One ggml rpc-server, "host:port" as llama.cpp's --rpc takes it (an IPv6 host in brackets).</summary>
public sealed record RpcEndpoint(string Host, int Port)
{
    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Whether the host is this machine's loopback (127.x.x.x, ::1, localhost).</summary>
    public bool IsLoopback => Host is "localhost" or "::1" || Host.StartsWith("127.", StringComparison.Ordinal);

    /// <summary>A comma-separated list of endpoints; throws <see cref="FormatException"/> naming the first bad one.</summary>
    public static IReadOnlyList<RpcEndpoint> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        if (items.Length == 0 || items.Any(i => i.Length == 0))
            throw new FormatException($"'{text}' is no list of host:port endpoints (an empty entry)");
        var endpoints = items.Select(Parse).ToList();
        if (endpoints.Distinct().Count() != endpoints.Count)
            throw new FormatException($"'{text}' names a server twice");
        return endpoints;
    }

    /// <summary>"host:port"; throws <see cref="FormatException"/> with what is wrong.</summary>
    public static RpcEndpoint Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            throw new FormatException($"'{text}' is not host:port");
        string host = text[..colon], port = text[(colon + 1)..];
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        else if (host.Contains(':', StringComparison.Ordinal))
            throw new FormatException($"'{text}': an IPv6 host goes in brackets, [host]:port");
        if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '[' or ']'))
            throw new FormatException($"'{text}' has no valid host");
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p is < 1 or > 65535)
            throw new FormatException($"'{text}': the port must be a number in 1..65535");
        return new RpcEndpoint(host, p);
    }
}
