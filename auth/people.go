package auth

// Access is what Center staff may change about an account on the people
// pages: its role, its association (a lead's only) and whether it may sign
// in.
type Access struct {
	Role          Role
	AssociationID int64
	Status        Status
}

// AccessOf is u's access as it stands.
func AccessOf(u *User) Access {
	return Access{Role: u.Role, AssociationID: u.AssociationID, Status: u.Status}
}

// Refusals of a change of access, as i18n message IDs.
const (
	ErrAccessRole        Problem = "error.people.role_invalid"
	ErrAccessStatus      Problem = "error.people.status_invalid"
	ErrAccessSelf        Problem = "error.people.self"
	ErrAccessLastAdmin   Problem = "error.people.last_admin"
	ErrAccessFirmRole    Problem = "error.people.firm_role"
	ErrAccessLeadAssoc   Problem = "error.people.lead_needs_association"
	ErrAccessAssocOnly   Problem = "error.people.association_only_lead"
	ErrAccessAssocAbsent Problem = "error.people.association_unknown"
)

// CheckAccessChange says whether actor may change target's access to to,
// nil when it may. otherAdmins is how many active admins there are besides
// target, counted in the transaction that makes the change.
//
// The rules: no one changes their own role or status (an admin who
// demoted or disabled themselves could not undo it); the last active
// admin stays an active admin (or nobody could run the Center); a firm
// account stays a firm account and a staff account a staff account (a
// firm user is tied to a firm through its claim, staff to none); a lead
// has an association, and no one else does.
func CheckAccessChange(actor, target *User, to Access, otherAdmins int) error {
	if !to.Role.Valid() {
		return ErrAccessRole
	}
	if to.Status != StatusActive && to.Status != StatusDisabled {
		return ErrAccessStatus
	}
	if actor != nil && actor.ID == target.ID && (to.Role != target.Role || to.Status != target.Status) {
		return ErrAccessSelf
	}
	if (target.Role == RoleFirm) != (to.Role == RoleFirm) {
		return ErrAccessFirmRole
	}
	if to.Role == RoleLead && to.AssociationID == 0 {
		return ErrAccessLeadAssoc
	}
	if to.Role != RoleLead && to.AssociationID != 0 {
		return ErrAccessAssocOnly
	}
	activeAdmin := target.Role == RoleAdmin && target.Status == StatusActive
	if activeAdmin && (to.Role != RoleAdmin || to.Status != StatusActive) && otherAdmins == 0 {
		return ErrAccessLastAdmin
	}
	return nil
}

// RolesFor lists the roles target's account may be given: its own kind
// (firm, or one of the staff roles), as CheckAccessChange allows.
func RolesFor(target *User) []Role {
	if target.Role == RoleFirm {
		return []Role{RoleFirm}
	}
	return []Role{RoleLead, RoleAdvisor, RoleAdmin}
}
