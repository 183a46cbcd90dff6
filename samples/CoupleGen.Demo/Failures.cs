using System;
using System.IO;
using System.Runtime.InteropServices;

namespace CoupleGen.Demo;

/// <summary>
/// Turns an exception that no command expected into one line on stderr and an exit code, so that a
/// libtorch failure deep inside a run ends the process with a message instead of an abort (exit 134)
/// and a .NET stack trace.
/// </summary>
internal static class Failures
{
    /// <summary>Exit code for an error reported by libtorch.</summary>
    public const int LibTorchExitCode = 3;

    /// <summary>Exit code for any other unexpected error (sysexits' EX_SOFTWARE).</summary>
    public const int UnexpectedExitCode = 70;

    public static int Report(Exception exception, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(error);
        if (exception is ExternalException)
        {
            // libtorch's messages end in a C++ backtrace ("Exception raised from ..."): the first line is the cause.
            error.WriteLine($"error: libtorch failed: {FirstLine(exception.Message)}");
            error.WriteLine("This is a bug in CoupleGen or libtorch, not in your data; please report it with the command you ran.");
            return LibTorchExitCode;
        }

        error.WriteLine($"error: unexpected {exception.GetType().Name}: {FirstLine(exception.Message)}");
        error.WriteLine("Please report it with the command you ran and this stack trace:");
        error.WriteLine(exception.StackTrace);
        return UnexpectedExitCode;
    }

    private static string FirstLine(string message)
    {
        using var lines = new StringReader(message);
        return (lines.ReadLine() ?? string.Empty).Trim();
    }
}
