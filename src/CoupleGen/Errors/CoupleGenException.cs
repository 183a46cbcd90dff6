using System;

namespace CoupleGen.Errors;

/// <summary>
/// The base of every exception CoupleGen throws for bad input, bad files or a missing native runtime.
/// Catch this type to report any CoupleGen failure to a user; <see cref="Path"/> names the file involved, if any.
/// </summary>
public class CoupleGenException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="CoupleGenException"/> class.</summary>
    public CoupleGenException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CoupleGenException"/> class with a message.</summary>
    /// <param name="message">What went wrong and, where possible, how to fix it.</param>
    public CoupleGenException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CoupleGenException"/> class with a message and a cause.</summary>
    /// <param name="message">What went wrong and, where possible, how to fix it.</param>
    /// <param name="innerException">The underlying failure.</param>
    public CoupleGenException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CoupleGenException"/> class for a file.</summary>
    /// <param name="path">The file the failure concerns.</param>
    /// <param name="message">What went wrong and, where possible, how to fix it.</param>
    /// <param name="innerException">The underlying failure.</param>
    public CoupleGenException(string? path, string message, Exception? innerException)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>Gets the path of the file the failure concerns, or <see langword="null"/> when no file is involved.</summary>
    public string? Path { get; }
}
