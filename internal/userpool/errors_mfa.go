package userpool

// The kinds of SRP, MFA, device and refresh-token-rotation failures.
const (
	DeviceKeyExists          Kind = "DeviceKeyExistsException"
	EnableSoftwareTokenMFA   Kind = "EnableSoftwareTokenMFAException"
	SoftwareTokenMFANotFound Kind = "SoftwareTokenMFANotFoundException"
	MFAMethodNotFound        Kind = "MFAMethodNotFoundException"
	RefreshTokenReuse        Kind = "RefreshTokenReuseException"
)

// Messages of the sign-in challenges, worded as Cognito words them where it
// documents them.
const (
	msgWrongMFACode   = "Invalid code received for user"
	msgDeviceNotFound = "Device does not exist."
	msgDeadSession    = "Invalid session for the user."
)
