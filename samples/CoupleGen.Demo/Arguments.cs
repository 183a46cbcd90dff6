using System;
using System.Collections.Generic;
using System.Globalization;

namespace CoupleGen.Demo;

/// <summary>A command followed by --name value options.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);
    private readonly HashSet<string> used = new(StringComparer.Ordinal);

    public Arguments(string[] args)
    {
        int start = 0;
        Command = "demo";
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
        {
            Command = args[0];
            start = 1;
        }

        for (int i = start; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new UsageException($"Expected '--name value' but found '{args[i]}'.");
            }

            values[args[i][2..]] = args[++i];
        }
    }

    public string Command { get; }

    public string? Text(string name)
    {
        used.Add(name);
        return values.TryGetValue(name, out string? value) ? value : null;
    }

    public string Required(string name) => Text(name) ?? throw new UsageException($"'{Command}' needs --{name}.");

    public int Int(string name, int fallback)
    {
        string? text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= 0
            ? value
            : throw new UsageException($"--{name} needs a non-negative whole number, not '{text}'.");
    }

    public double Double(string name, double fallback)
    {
        string? text = Text(name);
        if (text is null)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && value >= 0
            ? value
            : throw new UsageException($"--{name} needs a non-negative number, not '{text}'.");
    }

    /// <summary>Fails on options the command did not read, so typos do not pass silently.</summary>
    public void RejectUnknown()
    {
        foreach (string name in values.Keys)
        {
            if (!used.Contains(name))
            {
                throw new UsageException($"'{Command}' has no option --{name}.");
            }
        }
    }
}

internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException()
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
