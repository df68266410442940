package app

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/cognate-dev/cognate/internal/awsproto"
	"github.com/cognate-dev/cognate/internal/console"
	"github.com/cognate-dev/cognate/internal/secret"
)

// newConsole builds the admin console over the App's services.
func (a *App) newConsole(ring *secret.KeyRing) (*console.Console, error) {
	root := a.root
	return console.New(console.Deps{
		Users: a.users, Identities: a.idpool, Store: a.store, Ring: ring,
		Root: func(accessKeyID, secretAccessKey string) bool {
			// Both compared, in constant time, whatever the first says.
			idOK := secret.Equal(accessKeyID, root.AccessKeyID)
			keyOK := secret.Equal(secretAccessKey, root.SecretAccessKey)
			return root.AccessKeyID != "" && idOK && keyOK
		},
		// A pool admin's sign-in counts against the rate limits as the
		// InitiateAuth it makes would, and is refused from an address the
		// spray rule blocks.
		Admit: func(r *http.Request, clientID, username string) error {
			body, err := json.Marshal(map[string]any{"ClientId": clientID, "AuthFlow": "USER_PASSWORD_AUTH",
				"AuthParameters": map[string]string{"USERNAME": username}})
			if err != nil {
				return err
			}
			info := &awsproto.RequestInfo{Service: "cognito-idp", Operation: "InitiateAuth", SourceIP: a.clientIP(r)}
			return a.admit(r.Context(), info, body)
		},
		AdminPoolID: a.cfg.Console.UserPoolID, AdminClientID: a.cfg.Console.ClientID,
		IdleTimeout: a.cfg.Console.IdleTimeout, PublicURL: a.cfg.PublicURL,
		Logger: a.log, Now: a.now,
	})
}

// withConsole serves /console/ from the console and the rest from next.
// (The console is not one of next's patterns: "/console/" would overlap
// the pools' "/{pool}/.well-known/..." routes.)
func withConsole(next http.Handler, con *console.Console) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/console":
			http.Redirect(w, r, console.Prefix, http.StatusMovedPermanently)
		case strings.HasPrefix(r.URL.Path, console.Prefix):
			con.ServeHTTP(w, r)
		default:
			next.ServeHTTP(w, r)
		}
	})
}
