package archive

// copyBufSize is the size of the one buffer each Write or Extract uses to
// copy file contents.
const copyBufSize = 64 << 10
