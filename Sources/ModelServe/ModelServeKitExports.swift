// The keys file and the answers' shapes live in ModelServeKit, which Slipway shares; they
// remain part of ModelServe's API for its users.
@_exported import ModelServeKit
