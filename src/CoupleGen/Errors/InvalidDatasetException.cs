using System;

namespace CoupleGen.Errors;

/// <summary>A dataset folder is missing, empty, or holds an image that is not a side-by-side pair.</summary>
public sealed class InvalidDatasetException : CoupleGenException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidDatasetException"/> class.</summary>
    public InvalidDatasetException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidDatasetException"/> class with a message.</summary>
    /// <param name="message">What is wrong with the dataset.</param>
    public InvalidDatasetException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidDatasetException"/> class with a message and a cause.</summary>
    /// <param name="message">What is wrong with the dataset.</param>
    /// <param name="innerException">The underlying failure.</param>
    public InvalidDatasetException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InvalidDatasetException"/> class for a path in a dataset.</summary>
    /// <param name="path">The folder or file at fault.</param>
    /// <param name="cause">What is wrong with it.</param>
    public InvalidDatasetException(string path, string cause)
        : base(path, $"Cannot use dataset '{path}': {cause}", null)
    {
    }
}
