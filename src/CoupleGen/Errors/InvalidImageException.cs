using System;

namespace CoupleGen.Errors;

/// <summary>An image could not be used: the file is missing, unreadable, corrupt, of an unsupported format, or too large.</summary>
public sealed class InvalidImageException : CoupleGenException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidImageException"/> class.</summary>
    public InvalidImageException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidImageException"/> class with a message.</summary>
    /// <param name="message">What is wrong with the image.</param>
    public InvalidImageException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidImageException"/> class with a message and a cause.</summary>
    /// <param name="message">What is wrong with the image.</param>
    /// <param name="innerException">The underlying failure.</param>
    public InvalidImageException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidImageException"/> class for an image file.</summary>
    /// <param name="path">The image file, or a description of the stream it came from.</param>
    /// <param name="cause">What is wrong with it.</param>
    /// <param name="innerException">The underlying failure.</param>
    public InvalidImageException(string? path, string cause, Exception? innerException = null)
        : base(path, path is null ? $"Cannot use image: {cause}" : $"Cannot use image '{path}': {cause}", innerException)
    {
    }
}
