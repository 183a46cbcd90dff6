using System;

namespace CoupleGen.Errors;

/// <summary>
/// No face was detected in an image that had to hold one (a portrait to frame, a couple photo to split),
/// or fewer faces than the request needs. <see cref="CoupleGenException.Path"/> names the image.
/// </summary>
public sealed class NoFaceFoundException : CoupleGenException
{
    /// <summary>Initializes a new instance of the <see cref="NoFaceFoundException"/> class.</summary>
    public NoFaceFoundException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NoFaceFoundException"/> class with a message.</summary>
    /// <param name="message">What was looked for.</param>
    public NoFaceFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NoFaceFoundException"/> class with a message and a cause.</summary>
    /// <param name="message">What was looked for.</param>
    /// <param name="innerException">The underlying failure.</param>
    public NoFaceFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NoFaceFoundException"/> class for an image.</summary>
    /// <param name="path">The image file, or a name for an in-memory image.</param>
    /// <param name="cause">What was found instead, and what would help.</param>
    public NoFaceFoundException(string path, string cause)
        : base(path, $"No usable face in '{path}': {cause}", null)
    {
    }
}
