// Package cognitoidp holds the wire types of the Amazon Cognito user pools
// API (cognito-idp, 2016-04-18), generated from the botocore model by
// internal/awsmodel/gen. Optional scalars are pointers, timestamps are
// *awstime.Time (epoch seconds on the wire), and enum values are untyped
// string constants named <EnumShape><Value>.
package cognitoidp
