package userpool

import (
	"context"

	cip "github.com/cognate-dev/cognate/internal/awsmodel/cognitoidp"
	"github.com/cognate-dev/cognate/internal/storage"
)

// logDelivery is a pool's log export settings, as
// SetLogDeliveryConfiguration stored them. Cognate keeps and returns them;
// it sends no logs to CloudWatch Logs, S3 or Firehose.
type logDelivery struct {
	LogConfigurations []cip.LogConfigurationType `json:"LogConfigurations"`
}

// checkLogConfigurations applies the rules of the API reference that the
// model does not state: each configuration has one destination; user
// notification logs are ERROR level, to CloudWatch Logs; user auth event
// logs are INFO level and need the Plus feature plan; one configuration
// per event source.
func checkLogConfigurations(p *pool, list []cip.LogConfigurationType) error {
	seen := map[string]bool{}
	for _, c := range list {
		if seen[c.EventSource] {
			return errorf(InvalidParameter, "Only one log configuration is allowed for event source %s.", c.EventSource)
		}
		seen[c.EventSource] = true
		n := 0
		if c.CloudWatchLogsConfiguration != nil && c.CloudWatchLogsConfiguration.LogGroupArn != "" {
			n++
		}
		if c.S3Configuration != nil && c.S3Configuration.BucketArn != "" {
			n++
		}
		if c.FirehoseConfiguration != nil && c.FirehoseConfiguration.StreamArn != "" {
			n++
		}
		if n != 1 {
			return errorf(InvalidParameter, "A log configuration must have exactly one destination: CloudWatchLogsConfiguration, S3Configuration or FirehoseConfiguration.")
		}
		switch c.EventSource {
		case "userNotification":
			if c.LogLevel != "ERROR" || c.CloudWatchLogsConfiguration == nil || c.CloudWatchLogsConfiguration.LogGroupArn == "" {
				return errorf(InvalidParameter, "userNotification logs must have LogLevel ERROR and a CloudWatchLogsConfiguration.")
			}
		case "userAuthEvents":
			if c.LogLevel != "INFO" {
				return errorf(InvalidParameter, "userAuthEvents logs must have LogLevel INFO.")
			}
			if p.cfg.UserPoolTier != "PLUS" {
				return errorf(FeatureUnavailableInTier, "Exporting user auth events requires the Plus feature plan.")
			}
		}
	}
	return nil
}

// logDeliveryOutput is the LogDeliveryConfiguration that Set and Get
// return: LogConfigurations is [] when there are none.
func logDeliveryOutput(poolID string, d *logDelivery) *logDeliveryConfiguration {
	out := &logDeliveryConfiguration{UserPoolId: poolID, LogConfigurations: []cip.LogConfigurationType{}}
	if d != nil && d.LogConfigurations != nil {
		out.LogConfigurations = d.LogConfigurations
	}
	return out
}

// logDeliveryConfiguration is LogDeliveryConfigurationType with its list
// always sent, as the model requires it.
type logDeliveryConfiguration struct {
	UserPoolId        string                     `json:"UserPoolId"`
	LogConfigurations []cip.LogConfigurationType `json:"LogConfigurations"`
}

// logDeliveryResponse is the answer of Set and GetLogDeliveryConfiguration.
type logDeliveryResponse struct {
	LogDeliveryConfiguration *logDeliveryConfiguration `json:"LogDeliveryConfiguration"`
}

// SetLogDeliveryConfiguration replaces a pool's log export settings; an
// empty list removes them. The settings are stored and returned only.
func (s *Service) SetLogDeliveryConfiguration(ctx context.Context, in *cip.SetLogDeliveryConfigurationRequest) (*logDeliveryResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	if err := checkLogConfigurations(p, in.LogConfigurations); err != nil {
		return nil, err
	}
	var d *logDelivery
	if len(in.LogConfigurations) > 0 {
		d = &logDelivery{LogConfigurations: in.LogConfigurations}
	}
	err = s.updatePool(ctx, p.rec.ID, func(_ *storage.Pool, cfg *poolConfig) error {
		cfg.LogDelivery = d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &logDeliveryResponse{LogDeliveryConfiguration: logDeliveryOutput(p.rec.ID, d)}, nil
}

// GetLogDeliveryConfiguration returns a pool's log export settings.
func (s *Service) GetLogDeliveryConfiguration(ctx context.Context, in *cip.GetLogDeliveryConfigurationRequest) (*logDeliveryResponse, error) {
	p, err := s.adminPool(ctx, in.UserPoolId)
	if err != nil {
		return nil, err
	}
	return &logDeliveryResponse{LogDeliveryConfiguration: logDeliveryOutput(p.rec.ID, p.cfg.LogDelivery)}, nil
}
