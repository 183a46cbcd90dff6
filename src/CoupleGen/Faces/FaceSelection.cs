namespace CoupleGen.Faces;

/// <summary>Which faces of a photo <see cref="FaceFramer"/> frames when it finds more than one.</summary>
public enum FaceSelection
{
    /// <summary>The face with the largest detection box (the person nearest the camera): right for selfies and portraits.</summary>
    Largest,

    /// <summary>The face at <see cref="FaceFramingOptions.FaceIndex"/>, counting from 0 left to right by box centre: e.g. 1 for the right-hand person of a couple photo.</summary>
    Index,

    /// <summary>Every face, left to right: for splitting couple or group photos.</summary>
    All,
}
